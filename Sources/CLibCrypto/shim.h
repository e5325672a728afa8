// OpenSSL's libcrypto (Debian: libssl-dev), for RS256 signatures: service-account and key-pair JWTs.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
