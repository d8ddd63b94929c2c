#include "web/assets.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace ordo::web {
namespace {

TEST(AssetsTest, FindsTheWebInterfaceEntryPage) {
  const Asset* asset = FindAsset("/");
  ASSERT_NE(asset, nullptr);
  EXPECT_EQ(asset->content_type, "text/html; charset=utf-8");
  EXPECT_NE(asset->body.find("<!doctype html>"), std::string_view::npos);
}

TEST(AssetsTest, UnknownPathIsNull) {
  EXPECT_EQ(FindAsset("/nope"), nullptr);
  EXPECT_EQ(FindAsset(""), nullptr);
  EXPECT_EQ(FindAsset("/ui/js/main.js/"), nullptr);
}

TEST(AssetsTest, SwaggerUiBundleIsWholeAndCompressed) {
  const Asset* asset = FindAsset("/docs/swagger-ui-bundle.js");
  ASSERT_NE(asset, nullptr);
  EXPECT_EQ(asset->content_type, "text/javascript; charset=utf-8");
  EXPECT_GT(asset->body.size(), 500'000u);
  EXPECT_FALSE(asset->gzip.empty());
  EXPECT_LT(asset->gzip.size(), asset->body.size());
  // gzip magic number
  ASSERT_GE(asset->gzip.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(asset->gzip[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(asset->gzip[1]), 0x8b);
}

TEST(AssetsTest, BinaryFilesKeepEveryByte) {
  const Asset* asset = FindAsset("/docs/favicon-32x32.png");
  ASSERT_NE(asset, nullptr);
  EXPECT_EQ(asset->content_type, "image/png");
  ASSERT_GT(asset->body.size(), 8u);
  EXPECT_EQ(asset->body.substr(0, 8), std::string_view("\x89PNG\r\n\x1a\n", 8));
  EXPECT_TRUE(asset->gzip.empty());
}

TEST(AssetsTest, EmbeddedBytesEqualTheSourceFiles) {
  for (const char* name : {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-16x16.png"}) {
    std::ifstream in(std::string(ORDO_SWAGGER_DIR) + "/" + name, std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const Asset* asset = FindAsset(std::string("/docs/") + name);
    ASSERT_NE(asset, nullptr) << name;
    EXPECT_TRUE(asset->body == bytes.str()) << name;  // not EXPECT_EQ: no 1.5 MB diff on failure
  }
}

TEST(AssetsTest, EveryAssetHasAQuotedEtagAndIsSorted) {
  std::string_view previous;
  for (const Asset& asset : AllAssets()) {
    ASSERT_GE(asset.etag.size(), 3u) << asset.path;
    EXPECT_EQ(asset.etag.front(), '"');
    EXPECT_EQ(asset.etag.back(), '"');
    EXPECT_LT(previous, asset.path);
    previous = asset.path;
    EXPECT_EQ(FindAsset(asset.path), &asset);
  }
}

TEST(AssetsTest, OpenApiDocumentIsEmbedded) {
  const Asset* asset = FindAsset("/api/openapi.json");
  ASSERT_NE(asset, nullptr);
  EXPECT_EQ(asset->content_type, "application/json");
  EXPECT_NE(asset->body.find("\"openapi\""), std::string_view::npos);
}

}  // namespace
}  // namespace ordo::web
