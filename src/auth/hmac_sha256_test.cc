#include "auth/hmac_sha256.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <thread>
#include <vector>

namespace ordo::auth {
namespace {

std::string Hex(const HmacSha256::Digest& d) {
  std::string out(d.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), d.data(), d.size());
  out.pop_back();
  return out;
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  const std::string key = "Jefe";
  const HmacSha256 mac(std::span(reinterpret_cast<const unsigned char*>(key.data()), key.size()));
  EXPECT_EQ(Hex(mac.Mac({"what do ya want ", "for nothing?"})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Reusing a context gives the same answer, and parts are simply concatenated.
  EXPECT_EQ(Hex(mac.Mac({"what do ya want for nothing?"})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, HashesAKeyLongerThanABlockFirst) {  // RFC 4231 test case 6
  const std::string key(131, '\xaa');
  const HmacSha256 mac(std::span(reinterpret_cast<const unsigned char*>(key.data()), key.size()));
  EXPECT_EQ(Hex(mac.Mac({"Test Using Larger Than Block-Size Key - Hash Key First"})),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, AgreesWithLibsodiumFromManyThreads) {
  unsigned char key[32];
  for (int i = 0; i < 32; ++i) key[i] = static_cast<unsigned char>(i * 7);
  const HmacSha256 mac(key);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string msg = "message " + std::to_string(t) + "/" + std::to_string(i);
        HmacSha256::Digest expected{};
        crypto_auth_hmacsha256(expected.data(), reinterpret_cast<const unsigned char*>(msg.data()),
                               msg.size(), key);
        if (mac.Mac({msg}) != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ordo::auth
