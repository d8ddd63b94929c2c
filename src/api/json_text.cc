#include "api/json_text.h"

#include <algorithm>

namespace ordo::api {

void AppendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  while (!value.empty()) {
    // Copy the longest run that needs no escape in one go.
    const auto plain = std::ranges::find_if(
        value, [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; });
    const auto run = static_cast<std::size_t>(plain - value.begin());
    out.append(value.data(), run);
    value.remove_prefix(run);
    if (value.empty()) break;
    const auto c = static_cast<unsigned char>(value.front());
    value.remove_prefix(1);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.push_back('"');
}

}  // namespace ordo::api
