// A small JSON reader and writer working directly on the Lua stack.
#include "workflows/lua_json.h"

#include <lua.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sb::wf {
namespace {

constexpr int kMaxDepth = 64;

struct Reader {
  lua_State* L;
  const char* p;
  const char* end;

  [[noreturn]] void fail(const char* why) {
    luaL_error(L, "malformed JSON (%s)", why);
    std::abort();  // luaL_error does not return
  }
  void ws() {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  }
  void utf8(luaL_Buffer& b, unsigned cp) {
    char out[4];
    int n = 0;
    if (cp < 0x80) {
      out[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      out[n++] = static_cast<char>(0xC0 | (cp >> 6));
      out[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out[n++] = static_cast<char>(0xE0 | (cp >> 12));
      out[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out[n++] = static_cast<char>(0xF0 | (cp >> 18));
      out[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    luaL_addlstring(&b, out, n);
  }
  unsigned hex4() {
    if (end - p < 4) fail("short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        fail("bad \\u escape");
    }
    return v;
  }
  void string() {
    ++p;  // opening quote
    const char* start = p;
    while (p < end && *p != '"' && *p != '\\') ++p;
    if (p < end && *p == '"') {  // the common case: no escapes
      lua_pushlstring(L, start, p - start);
      ++p;
      return;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, start, p - start);
    while (p < end && *p != '"') {
      if (*p != '\\') {
        luaL_addchar(&b, *p++);
        continue;
      }
      if (++p >= end) fail("unterminated string");
      char e = *p++;
      switch (e) {
        case 'n':
          luaL_addchar(&b, '\n');
          break;
        case 't':
          luaL_addchar(&b, '\t');
          break;
        case 'r':
          luaL_addchar(&b, '\r');
          break;
        case 'b':
          luaL_addchar(&b, '\b');
          break;
        case 'f':
          luaL_addchar(&b, '\f');
          break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            p += 2;
            unsigned lo = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(b, cp);
          break;
        }
        default:
          luaL_addchar(&b, e);
      }
    }
    if (p >= end) fail("unterminated string");
    ++p;
    luaL_pushresult(&b);
  }
  void value(int depth) {
    if (depth > kMaxDepth) fail("too deep");
    ws();
    if (p >= end) fail("unexpected end");
    luaL_checkstack(L, 4, "JSON");
    char c = *p;
    if (c == '{') {
      ++p;
      lua_newtable(L);
      ws();
      if (p < end && *p == '}') {
        ++p;
        return;
      }
      while (true) {
        ws();
        if (p >= end || *p != '"') fail("expected a key");
        string();
        ws();
        if (p >= end || *p != ':') fail("expected ':'");
        ++p;
        value(depth + 1);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 2);
        } else {
          lua_rawset(L, -3);
        }
        ws();
        if (p < end && *p == ',') {
          ++p;
          continue;
        }
        if (p < end && *p == '}') {
          ++p;
          return;
        }
        fail("expected ',' or '}'");
      }
    } else if (c == '[') {
      ++p;
      lua_newtable(L);
      ws();
      if (p < end && *p == ']') {
        ++p;
        return;
      }
      lua_Integer i = 1;
      while (true) {
        value(depth + 1);
        lua_rawseti(L, -2, i++);
        ws();
        if (p < end && *p == ',') {
          ++p;
          continue;
        }
        if (p < end && *p == ']') {
          ++p;
          return;
        }
        fail("expected ',' or ']'");
      }
    } else if (c == '"') {
      string();
    } else if (c == 't' && end - p >= 4 && std::memcmp(p, "true", 4) == 0) {
      p += 4;
      lua_pushboolean(L, 1);
    } else if (c == 'f' && end - p >= 5 && std::memcmp(p, "false", 5) == 0) {
      p += 5;
      lua_pushboolean(L, 0);
    } else if (c == 'n' && end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
      p += 4;
      lua_pushnil(L);
    } else {
      const char* start = p;
      bool integer = true;
      while (p < end && (std::strchr("+-0123456789.eE", *p) != nullptr)) {
        if (*p == '.' || *p == 'e' || *p == 'E') integer = false;
        ++p;
      }
      if (p == start) fail("unexpected character");
      std::string num(start, p);
      if (integer) {
        char* stop = nullptr;
        long long v = std::strtoll(num.c_str(), &stop, 10);
        if (*stop == 0) {
          lua_pushinteger(L, v);
          return;
        }
      }
      lua_pushnumber(L, std::strtod(num.c_str(), nullptr));
    }
  }
};

void write_string(std::string& out, const char* s, std::size_t n) {
  append_json_string(out, std::string_view(s, n));
}

void write(lua_State* L, int idx, std::string& out, int depth, const char* what) {
  if (depth > kMaxDepth)
    luaL_error(L, "%s: nested deeper than %d levels (a cycle?)", what, kMaxDepth);
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      out += "null";
      return;
    case LUA_TBOOLEAN:
      out += lua_toboolean(L, idx) ? "true" : "false";
      return;
    case LUA_TNUMBER: {
      char buf[40];
      if (lua_isinteger(L, idx)) {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(lua_tointeger(L, idx)));
      } else {
        double d = lua_tonumber(L, idx);
        if (!std::isfinite(d)) luaL_error(L, "%s: numbers must be finite", what);
        if (d == std::floor(d) && std::fabs(d) < 1e15) {
          std::snprintf(buf, sizeof buf, "%.0f", d);
        } else {
          std::snprintf(buf, sizeof buf, "%.17g", d);
        }
      }
      out += buf;
      return;
    }
    case LUA_TSTRING: {
      std::size_t n = 0;
      const char* s = lua_tolstring(L, idx, &n);
      write_string(out, s, n);
      return;
    }
    case LUA_TTABLE:
      break;
    default:
      luaL_error(L, "%s: a %s cannot be stored as JSON", what, luaL_typename(L, idx));
  }
  luaL_checkstack(L, 4, "JSON");
  lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
  bool array = n > 0;
  if (array) {  // only 1..n keys
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      ++count;
    }
    array = count == n;
  }
  if (array) {
    out += '[';
    for (lua_Integer i = 1; i <= n; ++i) {
      if (i > 1) out += ',';
      lua_rawgeti(L, idx, i);
      write(L, -1, out, depth + 1, what);
      lua_pop(L, 1);
    }
    out += ']';
    return;
  }
  out += '{';
  bool first = true;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      luaL_error(L, "%s: object keys must be strings (got a %s)", what, luaL_typename(L, -2));
    }
    if (!first) out += ',';
    first = false;
    std::size_t kn = 0;
    const char* k = lua_tolstring(L, -2, &kn);
    write_string(out, k, kn);
    out += ':';
    write(L, -1, out, depth + 1, what);
    lua_pop(L, 1);
  }
  out += '}';
}

}  // namespace

void push_json(lua_State* L, std::string_view json) {
  Reader r{L, json.data(), json.data() + json.size()};
  r.value(0);
}

std::string to_json(lua_State* L, int index, const char* what) {
  std::string out;
  write(L, index, out, 0, what);
  return out;
}

}  // namespace sb::wf
