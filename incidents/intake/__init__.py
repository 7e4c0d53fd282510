"""Intake by e-mail: messages sent to the breach address (INTAKE_ADDRESS), fetched from an IMAP mailbox or taken by
the built-in SMTP receiver, stored as received (the proof), and reviewed by processor staff: accepted as a suspected
incident whose clocks start at the message's arrival, or rejected with a reason."""
