DROP TABLE card_code_spends;
DROP TABLE cards;
DROP TABLE card_serials;
DROP TABLE memberships;
DROP TABLE membership_events;
DROP TABLE membership_applications;
