#include "model/background_loop.h"

#include <Poco/Logger.h>

#include "model/error.h"

namespace sb {

BackgroundLoop::BackgroundLoop(std::string name, std::chrono::milliseconds period,
                               std::function<bool()> pass)
    : name_(std::move(name)), period_(period), pass_(std::move(pass)) {}

BackgroundLoop::~BackgroundLoop() {
  stop();
}

void BackgroundLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void BackgroundLoop::stop() {
  stopping_ = true;
  poke();
  if (thread_.joinable()) thread_.join();
}

void BackgroundLoop::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_all();
}

void BackgroundLoop::run() {
  while (!stopping_) {
    try {
      while (pass_() && !stopping_) {
      }
    } catch (const std::exception& e) {
      Poco::Logger::get(name_).error("pass failed: %s", log_text(e));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, period_, [&] { return poked_ || stopping_.load(); });
    poked_ = false;
  }
}

}  // namespace sb
