DROP TABLE legal_aid_attachments;
DROP TABLE legal_aid_reads;
DROP TABLE legal_aid_messages;
DROP TABLE legal_aid_events;
DROP TABLE legal_aid_cases;
