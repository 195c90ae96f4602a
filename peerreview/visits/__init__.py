"""Pupil learning visits: children from other schools review a host school's chosen focus."""
