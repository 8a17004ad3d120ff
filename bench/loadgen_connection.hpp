// One WebSocket connection of the load generator, as an async state machine:
// connect, handshake, then read frames for ever while the scripted
// conversation sends one turn at a time (closed loop: as soon as the answer
// is in; paced: at its jittered time). It matches every answer to the turn
// it waits for and records the latency into its worker's Stats.
//
// Thread-safety: lives on its worker's io_context thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "loadgen_script.hpp"

namespace guidechat::bench {

class Worker;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& ioc, Worker& worker, std::uint64_t index);

  void connect(const boost::asio::ip::tcp::endpoint& endpoint);
  void begin_turns();
  void stop_turns();
  // Counts a turn still unanswered as lost, then closes the WebSocket.
  void finish_and_close();

 private:
  void read();
  void on_frame(std::string_view frame);
  void answered();
  void send_turn();
  void schedule(std::int64_t due_ns);
  void fail();  // the connection broke or was closed
  void connect_failed();
  void mark_done();  // counted in the worker's `closed` exactly once

  Worker& worker_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer timer_;
  Conversation conversation_;
  std::string out_;
  std::int64_t next_id_ = 1;
  std::int64_t waiting_id_ = 0;  // 0: no turn waits for its answer
  std::int64_t sent_ns_ = 0;
  std::int64_t due_ns_ = 0;  // paced: when this turn was meant to leave
  bool open_ = false;
  bool turns_on_ = false;
  bool writing_ = false;
  bool send_after_write_ = false;
  bool closing_ = false;
  bool done_ = false;
};

}  // namespace guidechat::bench
