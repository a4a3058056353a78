// iked against iked in memory with certificates: every signature method both
// ways, a CA -> intermediate -> leaf chain, and each way authentication must
// fail (wrong CA, expired, ID mismatch, bad signature, peer constraints).
#include <catch2/catch.hpp>

#include "cert_test_util.h"
#include "protocol_harness.h"

using namespace ike_test;
using namespace cert_test;

namespace {

struct Side {
    PkeyPtr key;
    std::shared_ptr<ike::auth::Credentials> cred;
};

Side side(const Pki& pki, PkeyPtr key, const std::string& cn, const std::string& san = {}) {
    Side s;
    s.key = std::move(key);
    s.cred = pki.credentials(s.key.get(), pki.leaf(s.key.get(), cn, san));
    return s;
}

PeerCfg cert_peer(bool side_a, std::shared_ptr<const ike::auth::Credentials> cred) {
    PeerCfg p = make_peer("cert", side_a);
    p.psk = Secret{};
    p.credentials = std::move(cred);
    return p;
}

// Runs one exchange; true when both ends have the IKE SA and the Child SA.
bool establish(Pair& pair) {
    pair.a->initiate("cert-p2", pair.now);
    pair.run();
    return Pair::ike(*pair.a) && Pair::ike(*pair.b) && Pair::child(*pair.a, "cert-p2") &&
           Pair::child(*pair.b, "cert-p2");
}

} // namespace

TEST_CASE("cert: iked pairs authenticate with each key type and method", "[cert]") {
    Pki pki;
    struct Case {
        const char* name;
        std::function<PkeyPtr()> key;
        ike::auth::SignPolicy policy;
    } cases[] = {
        {"RSA, RFC 7427 PKCS#1 v1.5", [] { return rsa_key(); }, {true, false}},
        {"RSA, RFC 7427 RSASSA-PSS", [] { return rsa_key(); }, {true, true}},
        {"RSA, classic (method 1)", [] { return rsa_key(); }, {false, false}},
        {"ECDSA P-256, RFC 7427", [] { return ec_key("P-256"); }, {true, false}},
        {"ECDSA P-384, RFC 7427", [] { return ec_key("P-384"); }, {true, false}},
        {"ECDSA P-256, classic (method 9)", [] { return ec_key("P-256"); }, {false, false}},
        {"ECDSA P-384, classic (method 10)", [] { return ec_key("P-384"); }, {false, false}},
        {"ECDSA P-521, classic (method 11)", [] { return ec_key("P-521"); }, {false, false}},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            Side a = side(pki, c.key(), "gw-a"), b = side(pki, c.key(), "gw-b");
            a.cred->policy = b.cred->policy = c.policy;
            Pair pair(cert_peer(true, a.cred), cert_peer(false, b.cred));
            REQUIRE(establish(pair));
            check_same_ike_sa(*Pair::ike(*pair.a), *Pair::ike(*pair.b));
            // Each side saw the other's certificate subject (the default ID, a DN).
            CHECK(Pair::ike(*pair.a)->peer_id_text == "C=CH, O=Test, CN=gw-b");
            CHECK(Pair::ike(*pair.b)->peer_id_text == "C=CH, O=Test, CN=gw-a");
            CHECK(pair.b->stats().auth_failures == 0);
        }
    }
}

TEST_CASE("cert: mixed keys, FQDN identities and peerid", "[cert]") {
    Pki pki;
    Side a = side(pki, rsa_key(), "gw-a", "DNS:a.example"), b = side(pki, ec_key("P-256"), "gw-b", "DNS:b.example");
    PeerCfg pa = cert_peer(true, a.cred), pb = cert_peer(false, b.cred);
    pa.local_id = "a.example";
    pb.local_id = "b.example";
    pa.peer_id = "b.example";
    pb.peer_id = "a.example";
    Pair pair(pa, pb);
    REQUIRE(establish(pair));
}

TEST_CASE("cert: a DN peerid and localid-type asn1dn", "[cert]") {
    Pki pki;
    Side a = side(pki, ec_key("P-256"), "gw-a"), b = side(pki, ec_key("P-256"), "gw-b");
    PeerCfg pa = cert_peer(true, a.cred), pb = cert_peer(false, b.cred);
    pb.peer_id = "C=CH, O=Test, CN=gw-a";
    pa.peer_id = "C=CH,O=Test,CN=gw-b";
    SECTION("matching") {
        Pair pair(pa, pb);
        REQUIRE(establish(pair));
    }
    SECTION("not matching") {
        pb.peer_id = "C=CH, O=Test, CN=someone-else";
        Pair pair(pa, pb);
        CHECK_FALSE(establish(pair));
        CHECK(pair.b->stats().auth_failures == 1);
    }
    SECTION("our DN not the certificate's") {
        pa.local_id = "C=CH, O=Test, CN=impostor";
        pa.local_id_dn = true;
        pb.peer_id.clear();
        Pair pair(pa, pb);
        CHECK_FALSE(establish(pair));
        CHECK(pair.b->stats().auth_failures == 1);
    }
}

TEST_CASE("cert: authentication fails without a crash on each bad certificate or signature", "[cert]") {
    Pki pki, other("Other", true);
    Side b = side(pki, ec_key("P-256"), "gw-b");
    auto a_key = ec_key("P-256");
    std::shared_ptr<ike::auth::Credentials> a_cred;
    bool responder_fails = true; // which side detects it: b checks a (IKE_AUTH request)
    std::string a_local_id;

    SECTION("issued by a CA the responder does not trust") {
        a_cred = other.credentials(a_key.get(), other.leaf(a_key.get(), "gw-a", ""), pki.trust());
    }
    SECTION("expired") { a_cred = pki.credentials(a_key.get(), pki.leaf(a_key.get(), "gw-a", "", -60, -86400)); }
    SECTION("ID mismatch: an FQDN not in the certificate") {
        a_cred = pki.credentials(a_key.get(), pki.leaf(a_key.get(), "gw-a", "DNS:a.example"));
        a_local_id = "other.example";
    }
    SECTION("bad signature: the key is not the certificate's") {
        auto wrong = ec_key("P-256");
        a_cred = pki.credentials(wrong.get(), pki.leaf(a_key.get(), "gw-a", ""));
    }
    SECTION("intermediate not sent") {
        a_cred = pki.credentials(a_key.get(), pki.leaf(a_key.get(), "gw-a", ""));
        a_cred->chain.pop_back();
    }
    SECTION("the responder's certificate is not trusted by the initiator") {
        a_cred = pki.credentials(a_key.get(), pki.leaf(a_key.get(), "gw-a", ""), other.trust());
        responder_fails = false;
    }
    PeerCfg pa = cert_peer(true, a_cred), pb = cert_peer(false, b.cred);
    pa.local_id = a_local_id;
    Pair pair(pa, pb);
    CHECK_FALSE(establish(pair));
    CHECK_FALSE(Pair::ike(*pair.a));
    CHECK(pair.b->stats().auth_failures == (responder_fails ? 1u : 0u));
    // Nothing is left behind once the failed exchange has timed out. (An
    // initiator that refuses the responder drops only its own IKE SA; the
    // responder's, established when it answered, goes with DPD.)
    pair.run(Millis(60000));
    CHECK(pair.a->sas().empty());
    if (responder_fails) CHECK(pair.b->sas().empty());
}

TEST_CASE("cert: peer constraints: certificate against psk, CN of a user peer", "[cert]") {
    Pki pki;
    Side a = side(pki, rsa_key(), "gw-a"), b = side(pki, rsa_key(), "gw-b");
    SECTION("responder expects a pre-shared key") {
        Pair pair(cert_peer(true, a.cred), make_peer("cert", false));
        CHECK_FALSE(establish(pair));
        CHECK(pair.b->stats().auth_failures == 1);
    }
    SECTION("responder expects certificates, initiator uses a pre-shared key") {
        Pair pair(make_peer("cert", true), cert_peer(false, b.cred));
        CHECK_FALSE(establish(pair));
        CHECK(pair.b->stats().auth_failures == 1);
    }
    SECTION("user peer cn") {
        auto strict = std::make_shared<ike::auth::Credentials>();
        strict->chain.push_back(copy_cert(b.cred->chain[0].get()));
        strict->chain.push_back(copy_cert(b.cred->chain[1].get()));
        strict->key = copy_key(b.cred->key.get());
        strict->trust = b.cred->trust;
        strict->peer_cn = "gw-a";
        {
            Pair pair(cert_peer(true, a.cred), cert_peer(false, strict));
            CHECK(establish(pair));
        }
        strict->peer_cn = "gw-x";
        Pair pair(cert_peer(true, a.cred), cert_peer(false, strict));
        CHECK_FALSE(establish(pair));
        CHECK(pair.b->stats().auth_failures == 1);
    }
}
