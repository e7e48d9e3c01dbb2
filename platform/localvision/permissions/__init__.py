"""Who may read or do what: the policy, the project context, and the SQL form of each read
rule. Reads (``queries/``) and writes (``services/``) both ask here."""
