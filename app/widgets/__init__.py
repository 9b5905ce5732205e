"""Shared widgets: sidebar, chat bubbles, evidence chips and source viewer, judgment card, charts."""
