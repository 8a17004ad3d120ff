// Flows as data (dialogs/*.json). (Being written: see the dialog issue.)
#pragma once
namespace guidechat::dialog {
class FlowSet {};
}  // namespace guidechat::dialog
