DROP INDEX account_roles_one_merchant;
DROP TABLE merchant_api_keys;
DROP TABLE merchants;
DROP TABLE merchant_applications;
