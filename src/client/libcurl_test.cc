// Run-time loading (core/shared_library.h, client/libcurl.h): the library is found and bound,
// and a missing library or function is an error that names it, never a crash.

#include "client/libcurl.h"

#include <gtest/gtest.h>

#include "core/shared_library.h"

namespace ordo::client {
namespace {

TEST(LibCurl, LoadsOnceWithEveryFunction) {
  auto first = LibCurl::Get();
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_NE((*first)->easy_init, nullptr);
  EXPECT_NE((*first)->slist_free_all, nullptr);
  auto second = LibCurl::Get();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);
  EXPECT_STREQ((*first)->easy_strerror(CURLE_OK), "No error");
}

TEST(SharedLibrary, MissingLibraryIsUnavailableAndNamed) {
  auto lib = SharedLibrary::Open("libordo-no-such-library.so.1");
  ASSERT_FALSE(lib.has_value());
  EXPECT_EQ(lib.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(lib.error().detail.rfind("cannot load libordo-no-such-library.so.1: ", 0), 0u)
      << lib.error().detail;
}

TEST(SharedLibrary, MissingFunctionIsUnavailableAndNamed) {
  auto lib = SharedLibrary::Open("libcurl.so.4");
  ASSERT_TRUE(lib.has_value()) << lib.error().detail;
  decltype(&curl_easy_init) fn = nullptr;
  Status st = lib->Bind(fn, "curl_no_such_function");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(st.error().detail, "libcurl.so.4 has no function curl_no_such_function");
  EXPECT_EQ(fn, nullptr);
}

}  // namespace
}  // namespace ordo::client
