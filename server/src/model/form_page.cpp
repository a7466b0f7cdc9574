#include "model/form_page.h"

#include "model/message_template.h"

namespace sb {
namespace {

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + html_escape(value) + "\"";
}

std::string input_type(const std::string& type) {
  if (type == "phone") return "tel";
  if (type == "email" || type == "number" || type == "date") return type;
  return "text";
}

std::string control(const FormField& f) {
  std::string id = "f-" + f.key;
  std::string common = attr("id", id) + attr("name", f.key) + (f.required ? " required" : "");
  std::string label = html_escape(f.label.empty() ? f.key : f.label);
  if (f.type == "checkbox") {
    return "<p><label><input type=\"checkbox\" value=\"on\"" + common + "> " + label +
           "</label></p>";
  }
  std::string out = "<p><label for=\"" + html_escape(id) + "\">" + label + "</label><br>";
  if (f.type == "select") {
    out += "<select" + common + "><option value=\"\"></option>";
    for (const auto& o : f.options)
      out += "<option" + attr("value", o) + ">" + html_escape(o) + "</option>";
    out += "</select>";
  } else if (f.type == "textarea") {
    out += "<textarea rows=\"4\" cols=\"40\"" + common +
           attr("maxlength", std::to_string(f.max_length)) + "></textarea>";
  } else {
    out += "<input" + attr("type", input_type(f.type)) + common;
    if (f.type != "number" && f.type != "date")
      out += attr("maxlength", std::to_string(f.max_length));
    if (f.type == "number") out += " step=\"any\"";
    if (f.type == "email") out += " autocomplete=\"email\"";
    if (f.type == "phone") out += " autocomplete=\"tel\"";
    out += ">";
  }
  return out + "</p>";
}

}  // namespace

std::string form_page_html(const std::vector<FormField>& fields, std::string_view honeypot,
                           std::string_view action) {
  std::string out = "<form method=\"post\"" + attr("action", action) +
                    " enctype=\"application/x-www-form-urlencoded\">";
  for (const auto& f : fields) out += control(f);
  // People never see or reach the honeypot; a bot filling every input gives itself away.
  out += "<div hidden aria-hidden=\"true\"><label>Leave empty<input" + attr("name", honeypot) +
         " tabindex=\"-1\" autocomplete=\"off\"></label></div>";
  out += "<p><button type=\"submit\">Send</button></p></form>";
  return out;
}

}  // namespace sb
