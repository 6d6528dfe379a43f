/** Error codes of the bounce-rule loader, stable for callers and tests. */
export const RULE_ERRORS = {
  /** a rule file is not valid TOML, or a rule in it breaks the schema */
  RULES_INVALID: 'BOUNCE_RULES_INVALID',
  /** the rule directory or a rule file could not be read */
  RULES_UNREADABLE: 'BOUNCE_RULES_UNREADABLE',
} as const
