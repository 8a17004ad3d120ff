#include "server/session_registry.hpp"

#include <vector>

namespace guidechat::server {

std::uint64_t SessionRegistry::add(std::weak_ptr<Closable> connection) {
  std::lock_guard lock(mutex_);
  auto id = next_++;
  open_.emplace(id, std::move(connection));
  return id;
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  open_.erase(id);
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

void SessionRegistry::shutdown_all() {
  std::vector<std::shared_ptr<Closable>> alive;
  {
    std::lock_guard lock(mutex_);
    alive.reserve(open_.size());
    for (auto& [id, weak] : open_) {
      if (auto strong = weak.lock()) alive.push_back(std::move(strong));
    }
  }
  for (auto& c : alive) c->shutdown();
}

}  // namespace guidechat::server
