// OpenSSL's libcrypto (Debian: libssl-dev): SHA-256 and HMAC for checksums and signatures, and
// RS256 signatures for service-account and key-pair JWTs.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
