#ifndef CCURL_MAIL_H
#define CCURL_MAIL_H

#include <stddef.h>

/* One message to send over SMTP with libcurl. libcurl's option setter is variadic, which Swift
   cannot call, so the whole transfer is this one C function. */
typedef struct {
    const char *url;              /* smtp://host:port or smtps://host:port */
    const char *username;         /* NULL: no login */
    const char *password;
    const char *from;             /* envelope sender */
    const char *const *recipients;
    int recipient_count;
    const char *payload;          /* the full RFC 5322 message, CRLF line ends */
    size_t payload_length;
    const char *ca_file;          /* NULL: the system's CA bundle */
    int require_tls;              /* 1: STARTTLS (or TLS for smtps) is required */
    long timeout_seconds;
} ccurl_mail;

/* Returns libcurl's result code (0 on success) and writes its message into `error`. */
int ccurl_send_mail(const ccurl_mail *mail, char *error, size_t error_size, long *response_code);

#endif
