// "a,b, c" -> {"a", "b", "c"}: the lists of the command lines and options
// (backend orders, targets, search paths). Empty items and spaces drop out.
#pragma once
#include <string>
#include <vector>

namespace zy {

inline std::vector<std::string> splitList(const std::string& s, char separator) {
  std::vector<std::string> items;
  std::string item;
  for (size_t p = 0; p <= s.size(); ++p) {
    if (p == s.size() || s[p] == separator) {
      if (!item.empty()) items.push_back(item);
      item.clear();
    } else if (s[p] != ' ') {
      item += s[p];
    }
  }
  return items;
}

}  // namespace zy
