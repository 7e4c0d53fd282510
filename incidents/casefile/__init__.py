"""The incident's case file: the pages on which processor staff work an incident (intake, the incident page and
its forms, each controller's scope). A workflow layer above the features it shows together (breaches, notices,
portal questions, drafts); the domain features below never import it."""
