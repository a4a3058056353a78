// Reading SA files (see sa_file.h).
#include "sa_file.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

namespace esphost {

namespace {

// Wipes the text of lines that held keys once parsed.
struct Wiped {
    std::string s;
    ~Wiped() { OPENSSL_cleanse(s.data(), s.size()); }
};

} // namespace

std::vector<SaFileEntry> parse_sa_text(const std::string& text, const std::string& name) {
    std::vector<SaFileEntry> out;
    std::istringstream in(text);
    Wiped line, logical;
    unsigned lineno = 0, first = 0;
    std::vector<std::string> words;
    while (std::getline(in, line.s)) {
        ++lineno;
        if (!line.s.empty() && line.s.back() == '\r') line.s.pop_back();
        if (logical.s.empty()) first = lineno;
        const bool continues = !line.s.empty() && line.s.back() == '\\';
        logical.s += continues ? line.s.substr(0, line.s.size() - 1) + " " : line.s;
        if (continues) continue;
        std::string error;
        const std::string where = name + ":" + std::to_string(first) + ": ";
        if (!tokenize_sa_line(logical.s, words, error)) throw SaFileError(where + error);
        OPENSSL_cleanse(logical.s.data(), logical.s.size());
        logical.s.clear();
        if (words.empty()) continue;
        auto spec = parse_sa_spec(words, error);
        for (auto& w : words) OPENSSL_cleanse(w.data(), w.size());
        if (!spec) throw SaFileError(where + error);
        out.push_back({*spec, first});
    }
    if (!logical.s.empty())
        throw SaFileError(name + ":" + std::to_string(first) + ": line continues past the end of the file");
    return out;
}

std::vector<SaFileEntry> load_sa_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw SaFileError(path + ": cannot open");
    Wiped text;
    std::ostringstream buf;
    buf << f.rdbuf();
    text.s = buf.str();
    return parse_sa_text(text.s, path);
}

} // namespace esphost
