//! Placeholder while the HTTP scrape test is written.
