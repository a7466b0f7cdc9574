#include "model/sequence.h"

#include <algorithm>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "model/clock.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

std::int64_t positive_id(const Poco::Dynamic::Var& v, const std::string& where) {
  auto id = json_int64(v);
  if (!id || *id < 1) throw Error::validation(where, "must be a positive id");
  return *id;
}

Poco::JSON::Object::Ptr object_of(const Poco::Dynamic::Var& v, const std::string& where,
                                  const char* what) {
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Error::validation(where, what);
  return v.extract<Poco::JSON::Object::Ptr>();
}

Poco::Dynamic::Var parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json);
}

}  // namespace

std::string check_sequence_steps(const Poco::Dynamic::Var& value, const std::string& field) {
  if (!value.isArray()) throw Error::validation(field, "must be an array of steps");
  auto arr = value.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() == 0 || arr->size() > kMaxSequenceSteps) {
    throw Error::validation(field,
                            "must have 1 to " + std::to_string(kMaxSequenceSteps) + " steps");
  }
  Poco::JSON::Array out;
  for (unsigned i = 0; i < arr->size(); ++i) {
    const std::string where = field + "[" + std::to_string(i) + "]";
    auto step = object_of(arr->get(i), where,
                          "must be a step object {\"delay\", \"channel\", \"template_id\"}");
    for (const auto& [key, unused] : *step) {
      if (key != "delay" && key != "channel" && key != "template_id") {
        throw Error::validation(where + "." + key, "unknown step field");
      }
    }
    Poco::Dynamic::Var delay = step->get("delay");
    std::string text = delay.isString() ? delay.toString() : "";
    auto ms = parse_delay(text);
    if (!ms || *ms > kMaxStepDelayMs) {
      throw Error::validation(where + ".delay",
                              "must be a delay such as \"0s\", \"2h\", \"3d\" or \"1w\" (at "
                              "most 366 days)");
    }
    Poco::Dynamic::Var channel = step->get("channel");
    if (!channel.isString() || (channel.toString() != "email" && channel.toString() != "sms")) {
      throw Error::validation(where + ".channel", "must be email or sms");
    }
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("delay", text);
    o.set("channel", channel.toString());
    o.set("template_id", positive_id(step->get("template_id"), where + ".template_id"));
    out.add(o);
  }
  return json_text(out);
}

std::string check_sequence_exit(const Poco::Dynamic::Var& value, const std::string& field) {
  auto o = object_of(value, field,
                     "must be an object {\"replied\", \"stage_changed\", \"unsubscribed\", "
                     "\"entered_segments\"}");
  SequenceExit e;
  for (const auto& [key, v] : *o) {
    const std::string where = field + "." + key;
    if (key == "replied" || key == "stage_changed" || key == "unsubscribed") {
      if (!v.isBoolean()) throw Error::validation(where, "must be true or false");
      bool b = v.convert<bool>();
      (key == "replied"         ? e.replied
       : key == "stage_changed" ? e.stage_changed
                                : e.unsubscribed) = b;
    } else if (key == "entered_segments") {
      if (!v.isArray()) throw Error::validation(where, "must be an array of segment ids");
      auto arr = v.extract<Poco::JSON::Array::Ptr>();
      if (arr->size() > 50) throw Error::validation(where, "at most 50 segments");
      for (unsigned i = 0; i < arr->size(); ++i) {
        e.entered_segments.push_back(
            positive_id(arr->get(i), where + "[" + std::to_string(i) + "]"));
      }
      std::sort(e.entered_segments.begin(), e.entered_segments.end());
      e.entered_segments.erase(std::unique(e.entered_segments.begin(), e.entered_segments.end()),
                               e.entered_segments.end());
    } else {
      throw Error::validation(where, "unknown exit condition");
    }
  }
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("replied", e.replied);
  out.set("stage_changed", e.stage_changed);
  out.set("unsubscribed", e.unsubscribed);
  Poco::JSON::Array segs;
  for (std::int64_t id : e.entered_segments) segs.add(id);
  out.set("entered_segments", segs);
  return json_text(out);
}

std::vector<SequenceStep> parse_sequence_steps(const std::string& json) {
  std::vector<SequenceStep> out;
  auto arr = parse(json).extract<Poco::JSON::Array::Ptr>();
  for (unsigned i = 0; i < arr->size(); ++i) {
    auto o = arr->getObject(i);
    SequenceStep s;
    s.delay = o->optValue<std::string>("delay", "0s");
    s.delay_ms = parse_delay(s.delay).value_or(0);
    s.channel = o->optValue<std::string>("channel", "email");
    s.template_id = o->optValue<std::int64_t>("template_id", 0);
    out.push_back(std::move(s));
  }
  return out;
}

SequenceExit parse_sequence_exit(const std::string& json) {
  SequenceExit e;
  auto o = parse(json).extract<Poco::JSON::Object::Ptr>();
  e.replied = o->optValue<bool>("replied", e.replied);
  e.stage_changed = o->optValue<bool>("stage_changed", e.stage_changed);
  e.unsubscribed = o->optValue<bool>("unsubscribed", e.unsubscribed);
  if (auto arr = o->getArray("entered_segments")) {
    for (unsigned i = 0; i < arr->size(); ++i) {
      e.entered_segments.push_back(arr->get(i).convert<std::int64_t>());
    }
  }
  return e;
}

std::optional<std::string> sequence_exit_reason(const SequenceExit& exit, std::string_view type,
                                                const Poco::JSON::Object& payload) {
  if (type == "sms.received" && exit.replied) return "replied";
  if (type == "message.received" && exit.replied) {
    auto m = payload.getObject("message");
    if (m && m->optValue<std::string>("role", "") == "user") return "replied";
    return std::nullopt;
  }
  if (type == "contact.stage_changed" && exit.stage_changed) return "stage_changed";
  if ((type == "email.unsubscribed" || type == "contact.suppressed") && exit.unsubscribed) {
    return "unsubscribed";
  }
  if (type == "segment.entered") {
    std::int64_t id = payload.optValue<std::int64_t>("segment_id", 0);
    if (std::binary_search(exit.entered_segments.begin(), exit.entered_segments.end(), id)) {
      return "entered_segment:" + std::to_string(id);
    }
  }
  return std::nullopt;
}

}  // namespace sb
