"""Fault tests for loading: broken input, killed servers, dropped connections, wrong endpoints."""
