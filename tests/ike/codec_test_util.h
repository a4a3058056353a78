// Helpers shared by the ike-codec / ike-crypto tests: hex, vector files.
#pragma once

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ike_test {

using boost::property_tree::ptree;
using Bytes = std::vector<uint8_t>;

inline Bytes unhex(const std::string& s) {
    if (s.size() % 2 != 0) throw std::runtime_error("odd hex length");
    Bytes out(s.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<uint8_t>(std::stoul(s.substr(2 * i, 2), nullptr, 16));
    return out;
}

inline std::string hex(std::span<const uint8_t> b) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (uint8_t v : b) {
        out.push_back(digits[v >> 4]);
        out.push_back(digits[v & 15]);
    }
    return out;
}

inline ptree load_vectors(const std::string& name) {
    ptree root;
    boost::property_tree::read_json(std::string(ESP_VECTORS_DIR) + "/" + name, root);
    return root;
}

// Wycheproof: calls fn(test_node, flags) for every test of every group.
template <class Fn>
void for_each_wycheproof(const ptree& root, Fn fn) {
    for (const auto& group : root.get_child("testGroups"))
        for (const auto& test : group.second.get_child("tests")) {
            std::vector<std::string> flags;
            if (auto f = test.second.get_child_optional("flags"))
                for (const auto& flag : *f) flags.push_back(flag.second.data());
            fn(group.second, test.second, flags);
        }
}

inline bool has_flag(const std::vector<std::string>& flags, const char* flag) {
    for (const auto& f : flags)
        if (f == flag) return true;
    return false;
}

} // namespace ike_test
