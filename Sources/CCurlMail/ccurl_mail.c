#include "ccurl_mail.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *data;
    size_t remaining;
} upload_source;

static size_t read_payload(char *buffer, size_t size, size_t count, void *userdata) {
    upload_source *source = (upload_source *)userdata;
    size_t room = size * count;
    size_t n = source->remaining < room ? source->remaining : room;
    memcpy(buffer, source->data, n);
    source->data += n;
    source->remaining -= n;
    return n;
}

int ccurl_send_mail(const ccurl_mail *mail, char *error, size_t error_size, long *response_code) {
    char curl_error[CURL_ERROR_SIZE] = {0};
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(error, error_size, "libcurl could not start a transfer");
        return -1;
    }
    struct curl_slist *recipients = NULL;
    for (int i = 0; i < mail->recipient_count; i++) recipients = curl_slist_append(recipients, mail->recipients[i]);
    upload_source source = {mail->payload, mail->payload_length};

    curl_easy_setopt(curl, CURLOPT_URL, mail->url);
    if (mail->username) curl_easy_setopt(curl, CURLOPT_USERNAME, mail->username);
    if (mail->password) curl_easy_setopt(curl, CURLOPT_PASSWORD, mail->password);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail->from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &source);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, mail->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (mail->ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, mail->ca_file);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, mail->timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, mail->timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);

    CURLcode result = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (response_code) *response_code = code;
    if (result != CURLE_OK) {
        snprintf(error, error_size, "%s", curl_error[0] ? curl_error : curl_easy_strerror(result));
    } else if (error_size > 0) {
        error[0] = 0;
    }
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    return (int)result;
}
