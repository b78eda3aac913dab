//! Workspace-level end-to-end tests: they drive the built `claimex` binary on small corpora
//! written by the tests themselves, through a real (tiny, random) model.

mod cli;
mod examples;
mod hostile;
mod install;
mod resume;
mod run;
mod seed;
mod util;
