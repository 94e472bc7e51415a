//! `routebook profiles`: the built-in profiles, and one of them in full.

use super::{CliError, Exit, print_stdout};
use crate::profile::{self, BUILTIN};

/// List the built-in profiles, or print one as the start of a custom profile.
///
/// Example: routebook profiles show taobao > my-tmall-shop.yaml
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Print a built-in profile's YAML.
    Show {
        /// The profile's name, as `routebook profiles` lists it.
        name: String,
    },
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    match &args.command {
        None => {
            let mut text = String::new();
            for (name, _) in BUILTIN {
                let p = profile::load(name).map_err(CliError::Input)?;
                text.push_str(&format!("{name:<12} {}\n", p.description));
            }
            print_stdout(&text)?;
        }
        Some(Command::Show { name }) => match profile::builtin(name) {
            Some(text) => print_stdout(text)?,
            None => {
                return Err(CliError::Usage(format!(
                    "no built-in profile `{name}`; the built-in ones are: {}",
                    profile::builtin_names()
                )));
            }
        },
    }
    Ok(Exit::Ok)
}
