"""The console adapter: play any member locally and script end-to-end scenarios."""
