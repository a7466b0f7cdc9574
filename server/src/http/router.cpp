// Segment-wise route matching. Linear over a few dozen routes: cheaper than hashing here.
#include "http/router.h"

#include <stdexcept>

namespace sb {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

Route Route::of(std::string method, std::string pattern, Role role, Handler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.access = Access::kRole;
  r.role = role;
  r.handler = std::move(handler);
  return r;
}

Route Route::of(std::string method, std::string pattern, Access access, Handler handler) {
  if (access == Access::kRole) {
    throw std::logic_error("route " + pattern + ": kRole is said with the role itself");
  }
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.access = access;
  r.handler = std::move(handler);
  return r;
}

Route&& Route::with_body(Body kind) {
  // One body kind per route: a second is a mistake in the table, found at start-up.
  if (body != Body::kNone) throw std::logic_error("route " + pattern + ": two body kinds");
  body = kind;
  return std::move(*this);
}

void Router::add(Route route) {
  for (const Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      throw std::logic_error("route registered twice: " + route.method + " " + route.pattern);
    }
  }
  std::vector<std::string> segs;
  for (std::string_view s : split_path(route.pattern)) segs.emplace_back(s);
  segments_.push_back(std::move(segs));
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  // A trailing slash or an empty segment is a different resource: no silent rewriting.
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/') ||
      path.find("//") != std::string_view::npos) {
    return m;
  }
  std::vector<std::string_view> parts = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& segs = segments_[i];
    if (segs.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t k = 0; k < segs.size() && ok; ++k) {
      const std::string& s = segs[k];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        params[s.substr(1, s.size() - 2)] = std::string(parts[k]);
      } else {
        ok = s == parts[k];
      }
    }
    if (!ok) continue;
    if (routes_[i].method != method) {
      m.allowed.push_back(routes_[i].method);
      continue;
    }
    m.route = &routes_[i];
    m.index = i;
    m.params = std::move(params);
    m.allowed.clear();
    return m;
  }
  return m;
}

}  // namespace sb
