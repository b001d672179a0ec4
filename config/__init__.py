"""Loading and validating configuration: deployment settings (environment) and the community (TOML)."""
