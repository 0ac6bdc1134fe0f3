DROP INDEX sessions_expires;
DROP INDEX refresh_tokens_expires;
DROP INDEX otp_codes_expires;
