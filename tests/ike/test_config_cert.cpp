// The certificate tables of the configuration: FortiOS's PEM-in-config form
// (values over several lines), PEM file paths, and each error with its
// file:line:column.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "cert_test_util.h"
#include "config/certificates.h"
#include "config_test_util.h"

using namespace cert_test;
using namespace ike_config_test;

namespace {

struct Material {
    Pki pki;
    PkeyPtr key = ec_key("P-256");
    X509Ptr leaf = pki.leaf(key.get(), "gw-a", "DNS:a.example");
    std::string cert_pem = pem_of(leaf.get()) + pem_of(pki.inter.get()); // leaf, then the intermediate
    std::string key_pem = pem_of(key.get());
    std::string ca_pem = pem_of(pki.root.get());
};

Material& material() {
    static Material m;
    return m;
}

std::string phase1(const std::string& extra) {
    return "config vpn ipsec phase1-interface\n"
           "    edit \"to-b\"\n"
           "        set interface \"port1\"\n"
           "        set remote-gw 192.0.2.2\n"
           "        set authmethod signature\n"
           "        set certificate \"gw-a\"\n"
           "        set proposal aes256gcm-prfsha384\n" +
           extra + "    next\nend\n";
}

std::string certs(const std::string& cert, const std::string& key, const std::string& ca) {
    return "config vpn certificate local\n"
           "    edit \"gw-a\"\n"
           "        set certificate \"" +
           cert +
           "\"\n"
           "        set private-key \"" +
           key +
           "\"\n"
           "    next\n"
           "end\n"
           "config vpn certificate ca\n"
           "    edit \"CA_1\"\n"
           "        set ca \"" +
           ca +
           "\"\n"
           "    next\n"
           "end\n";
}

unsigned lines_of(const std::string& s) { return static_cast<unsigned>(std::count(s.begin(), s.end(), '\n')); }

bool has(const std::vector<std::string>& messages, const std::string& part) {
    for (const auto& m : messages)
        if (m.find(part) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("config cert: PEM in the configuration as FortiOS writes it", "[cert]") {
    auto& m = material();
    std::string text = certs(m.cert_pem, m.key_pem, m.ca_pem) +
                       "config user peer\n    edit \"peer-b\"\n        set ca \"CA_1\"\n        set cn \"gw-b\"\n"
                       "    next\nend\n" +
                       phase1(
                           "        set peertype peer\n        set peer \"peer-b\"\n"
                           "        set rsa-signature-format pss\n        set keylife 5\n");
    auto r = ike::config::parse_config(text, "gw.conf");
    // The one error is keylife, on the line it is on despite the multi-line values above.
    unsigned keylife_line = lines_of(text.substr(0, text.find("set keylife"))) + 1;
    REQUIRE(messages(r).size() == 1);
    CHECK_THAT(messages(r)[0],
               Catch::StartsWith("gw.conf:" + std::to_string(keylife_line) + ":21: ") && Catch::Contains("keylife"));
    text.replace(text.find("set keylife 5"), 13, "set keylife 3600");
    r = ike::config::parse_config(text, "gw.conf");
    REQUIRE(messages(r).empty());
    const auto& p1 = r.config.phase1.at(0);
    CHECK(p1.authmethod == ike::config::AuthMethod::signature);
    auto cred = ike::config::load_credentials(r.config, p1);
    REQUIRE(cred->chain.size() == 2);
    CHECK(ike::auth::common_name(cred->chain[0].get()) == "gw-a");
    CHECK(cred->peer_cn == "gw-b");
    CHECK(cred->policy.rsa_pss);
    CHECK(cred->policy.digital_signature);
    CHECK_FALSE(cred->trust->verify(cred->chain[0].get(), {}) == std::nullopt); // intermediate needed
    std::vector<ike::auth::X509Ptr> inter;
    inter.push_back(copy_cert(cred->chain[1].get()));
    CHECK_FALSE(cred->trust->verify(cred->chain[0].get(), inter));
}

TEST_CASE("config cert: PEM file paths relative to the configuration file", "[cert]") {
    auto& m = material();
    auto dir = std::filesystem::temp_directory_path() / ("iked-cert-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "certs");
    std::ofstream(dir / "certs/gw-a.pem") << m.cert_pem;
    std::ofstream(dir / "certs/gw-a.key") << m.key_pem;
    std::ofstream(dir / "ca.pem") << m.ca_pem;
    std::string conf = (dir / "iked.conf").string();
    auto r = ike::config::parse_config(certs("certs/gw-a.pem", "certs/gw-a.key", (dir / "ca.pem").string()) +
                                           phase1("        set peertype one\n        set peerid \"b.example\"\n"),
                                       conf);
    CHECK(messages(r).empty());
    CHECK(ike::config::load_credentials(r.config, r.config.phase1.at(0))->chain.size() == 2);
    r = ike::config::parse_config(certs("certs/missing.pem", "certs/gw-a.key", "ca.pem") + phase1(""), conf);
    REQUIRE(messages(r).size() == 1);
    CHECK_THAT(messages(r)[0], Catch::Contains("iked.conf:3:25: vpn certificate local 'gw-a': certificate: neither "
                                               "PEM text (-----BEGIN ...) nor a readable file: '" +
                                               (dir / "certs/missing.pem").string() + "'"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("config cert: errors name the file, line and column", "[cert]") {
    auto& m = material();
    auto other = ec_key("P-256");
    std::string good = certs(m.cert_pem, m.key_pem, m.ca_pem);
    unsigned key_line = lines_of(good.substr(0, good.find("set private-key"))) + 1;
    // The key of another certificate.
    auto e = errors_of(certs(m.cert_pem, pem_of(other.get()), m.ca_pem) + phase1(""));
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "a.conf:" + std::to_string(key_line) +
                      ":25: vpn certificate local 'gw-a': private-key does not belong to the certificate C=CH, "
                      "O=Test, CN=gw-a");
    // Not a certificate.
    e = errors_of(
        certs("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", m.key_pem, m.ca_pem) +
        phase1(""));
    REQUIRE(e.size() == 1);
    CHECK_THAT(e[0], Catch::StartsWith("a.conf:3:25: vpn certificate local 'gw-a': certificate: no PEM certificate"));
    // An unterminated PEM value.
    e = errors_of("config vpn certificate ca\n    edit \"CA_1\"\n        set ca \"-----BEGIN CERTIFICATE-----\nabc\n");
    CHECK(has(e, "a.conf:3:16: unterminated quoted string"));
    // Phase1 references and peertype rules.
    CHECK(errors_of(good + phase1("").replace(phase1("").find("\"gw-a\""), 6, "\"gw-x\"")) ==
          std::vector<std::string>{"a.conf:" + std::to_string(lines_of(good) + 6) +
                                   ":25: phase1-interface 'to-b': certificate 'gw-x' is not in config vpn "
                                   "certificate local"});
    e = errors_of(good + phase1("        set peertype one\n"));
    CHECK(e == std::vector<std::string>{"a.conf:" + std::to_string(lines_of(good) + 8) +
                                        ":22: phase1-interface 'to-b': peertype one needs peerid"});
    e = errors_of(good + phase1("        set peertype dialup\n"));
    CHECK_THAT(e.at(0), Catch::Contains("peertype dialup (user groups) is not supported; valid: any one peer"));
    e = errors_of(good + phase1("        set peertype peer\n        set peer \"nobody\"\n"));
    CHECK_THAT(e.at(0), Catch::Contains("peer 'nobody' is not in config user peer"));
    e = errors_of(certs(m.cert_pem, m.key_pem, m.ca_pem).substr(0, good.find("config vpn certificate ca")) +
                  phase1(""));
    CHECK_THAT(e.at(0), Catch::Contains("authmethod signature needs a config vpn certificate ca entry"));
    e = errors_of(good + phase1("        set localid-type asn1dn\n        set localid \"CN=x, bogus\"\n"));
    CHECK_THAT(e.at(0), Catch::Contains("localid is not a DN: 'bogus' is not TYPE=value"));
    e = errors_of("config vpn certificate local\n    edit \"x\"\n        set password ENC abc\n    next\nend\n");
    CHECK(has(e, "a.conf:3:22: encrypted private keys (password) are not supported"));
    // psksecret is not needed with signature, certificate is.
    std::string no_cert = phase1("");
    no_cert.erase(no_cert.find("        set certificate"), std::string("        set certificate \"gw-a\"\n").size());
    CHECK(has(errors_of(good + no_cert), "authmethod signature needs certificate"));
}
