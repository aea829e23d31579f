#include "net/library_versions.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include <boost/version.hpp>

namespace crmsync::net {

void add_net_library_versions(LibraryVersions& out) {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  out.push_back({"libcurl", curl != nullptr ? curl->version : LIBCURL_VERSION});
  // "OpenSSL 3.0.15 3 Sep 2024": the version is the second word.
  std::string ssl = OpenSSL_version(OPENSSL_VERSION);
  if (ssl.rfind("OpenSSL ", 0) == 0) ssl = ssl.substr(8, ssl.find(' ', 8) - 8);
  out.push_back({"OpenSSL", ssl});
  out.push_back({"zlib", zlibVersion()});
  out.push_back({"Boost", std::to_string(BOOST_VERSION / 100000) + "." +
                              std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                              std::to_string(BOOST_VERSION % 100)});
}

}  // namespace crmsync::net
