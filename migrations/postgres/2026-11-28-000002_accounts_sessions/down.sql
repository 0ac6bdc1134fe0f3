DROP TABLE client_nonces;
DROP TABLE wechat_bindings;
DROP TABLE otp_codes;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE account_roles;
DROP TABLE accounts;
