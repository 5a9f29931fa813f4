"""The Textual front end (the full-screen wizard). Only this package imports textual."""
