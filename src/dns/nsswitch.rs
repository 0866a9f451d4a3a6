//! The `hosts:` line of nsswitch.conf (`NETLIBC_NSSWITCH_CONF`): which of netlibc's sources (`files`,
//! `dns`) to try, in order, and the `[STATUS=action]` items after each. Other sources (mdns4_minimal,
//! myhostname, …) are skipped together with their actions, as glibc skips a module it cannot load.

/// A source netlibc implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Files,
    Dns,
}

/// A lookup status, as nsswitch names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    NotFound,
    Unavail,
    TryAgain,
}

/// One source with the statuses on which the chain stops after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub source: Source,
    return_on: [bool; 4],
}

impl Step {
    fn new(source: Source) -> Step {
        // The default: stop on success, go on otherwise.
        Step {
            source,
            return_on: [true, false, false, false],
        }
    }

    /// Whether the chain stops when this source ends with `status`.
    pub fn returns_on(&self, status: Status) -> bool {
        self.return_on
            .get(status as usize)
            .copied()
            .unwrap_or(false)
    }
}

/// The default when there is no `hosts:` line: `files dns`.
pub fn default_hosts() -> Vec<Step> {
    vec![Step::new(Source::Files), Step::new(Source::Dns)]
}

/// Parses nsswitch.conf's text and returns the `hosts:` sources (the default when there is no line).
pub fn parse_hosts(text: &[u8]) -> Vec<Step> {
    let line = text.split(|&b| b == b'\n').find_map(|line| {
        let line = line.split(|&b| b == b'#').next().unwrap_or_default();
        let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
        let rest = line.get(start..)?.strip_prefix(b"hosts")?;
        let rest = rest.get(rest.iter().position(|b| !b.is_ascii_whitespace())?..)?;
        rest.strip_prefix(b":")
    });
    match line {
        Some(line) => parse_sources(line),
        None => default_hosts(),
    }
}

fn parse_sources(line: &[u8]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut last_was_ours = false;
    let mut rest = line;
    loop {
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest = rest.get(start..).unwrap_or_default();
        if rest.is_empty() {
            break;
        }
        if rest.first() == Some(&b'[') {
            let end = rest
                .iter()
                .position(|&b| b == b']')
                .map_or(rest.len(), |e| e + 1);
            if let (true, Some(step)) = (last_was_ours, steps.last_mut()) {
                apply_actions(step, rest.get(1..end.saturating_sub(1)).unwrap_or_default());
            }
            rest = rest.get(end..).unwrap_or_default();
            continue;
        }
        let end = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'[')
            .unwrap_or(rest.len());
        let word = rest.get(..end).unwrap_or_default();
        let source = match word {
            b"files" => Some(Source::Files),
            b"dns" => Some(Source::Dns),
            _ => {
                // A module netlibc does not have: skipped, as glibc skips a missing libnss_*.so.
                if let Some(timer) = crate::trace::start() {
                    let word = crate::trace::Quoted(Some(word));
                    crate::trace::emit(
                        timer,
                        format_args!("nsswitch hosts: skipping source {word}"),
                    );
                }
                None
            }
        };
        last_was_ours = source.is_some();
        steps.extend(source.map(Step::new));
        rest = rest.get(end..).unwrap_or_default();
    }
    steps
}

/// `STATUS=action` items (`!STATUS` negates), case-insensitive as in glibc.
fn apply_actions(step: &mut Step, items: &[u8]) {
    for item in items
        .split(|b| b.is_ascii_whitespace())
        .filter(|i| !i.is_empty())
    {
        let mut parts = item.splitn(2, |&b| b == b'=');
        let (Some(status), Some(action)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (negated, status) = match status.strip_prefix(b"!") {
            Some(s) => (true, s),
            None => (false, status),
        };
        let index = match status.to_ascii_lowercase().as_slice() {
            b"success" => 0,
            b"notfound" => 1,
            b"unavail" => 2,
            b"tryagain" => 3,
            _ => continue,
        };
        let stop = match action.to_ascii_lowercase().as_slice() {
            b"return" => true,
            b"continue" => false,
            _ => continue,
        };
        for (i, slot) in step.return_on.iter_mut().enumerate() {
            if (i == index) != negated {
                *slot = stop;
            }
        }
    }
}

/// The parsed `hosts:` line, re-read only when nsswitch.conf changes (glibc checks the file on every
/// lookup; here the check is the files databases' cheaper one, the call's change check, see
/// `sys::changes`).
static HOSTS_STEPS: crate::db::cache::FileCache<Vec<Step>> = crate::db::cache::FileCache::new(
    crate::db::cache::Var::NsswitchConf,
    "/etc/nsswitch.conf",
    parse_hosts,
);

/// The `hosts:` steps, copied: what a lookup walks (no shared reference is kept, so no reference
/// count is touched). Lines with more steps than this keep them in `more`.
#[derive(Clone, Debug)]
pub struct Steps {
    inline: [Step; STEPS_INLINE],
    len: usize,
    more: Option<std::sync::Arc<Vec<Step>>>,
}

const STEPS_INLINE: usize = 6;

impl std::ops::Deref for Steps {
    type Target = [Step];

    fn deref(&self) -> &[Step] {
        match &self.more {
            Some(steps) => steps,
            None => &self.inline[..self.len],
        }
    }
}

/// The `hosts:` steps from the current nsswitch.conf (a missing or unreadable file gives the
/// default), copied out of the parsed file. An edit is seen by the next lookup.
pub fn hosts_steps() -> Steps {
    let copied = HOSTS_STEPS.with_value(|steps| {
        let steps = steps?;
        let mut inline = [Step::new(Source::Files); STEPS_INLINE];
        inline.get_mut(..steps.len())?.copy_from_slice(steps);
        Some(Steps {
            inline,
            len: steps.len(),
            more: None,
        })
    });
    copied.unwrap_or_else(|| Steps {
        inline: [Step::new(Source::Files); STEPS_INLINE],
        len: 0,
        more: Some(hosts_order()),
    })
}

/// The `hosts:` order from the current nsswitch.conf (a missing or unreadable file gives the
/// default). An edit is seen by the next lookup.
pub fn hosts_order() -> std::sync::Arc<Vec<Step>> {
    static DEFAULT: std::sync::OnceLock<std::sync::Arc<Vec<Step>>> = std::sync::OnceLock::new();
    HOSTS_STEPS.get().unwrap_or_else(|| {
        // One shared default, so that callers that convert the steps can keep their conversion.
        std::sync::Arc::clone(DEFAULT.get_or_init(|| std::sync::Arc::new(default_hosts())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(steps: &[Step]) -> Vec<Source> {
        steps.iter().map(|s| s.source).collect()
    }

    #[test]
    fn debian_style_line() {
        let steps = parse_hosts(b"passwd: files\nhosts:          files mdns4_minimal [NOTFOUND=return] dns myhostname\n");
        assert_eq!(sources(&steps), vec![Source::Files, Source::Dns]);
        assert!(
            !steps[0].returns_on(Status::NotFound),
            "the action belonged to mdns4_minimal"
        );
        assert!(steps[1].returns_on(Status::Success));
    }

    #[test]
    fn order_actions_and_defaults() {
        let steps = parse_hosts(b"hosts: dns [!UNAVAIL=return] files\n");
        assert_eq!(sources(&steps), vec![Source::Dns, Source::Files]);
        assert!(steps[0].returns_on(Status::NotFound) && !steps[0].returns_on(Status::Unavail));
        assert_eq!(
            sources(&parse_hosts(b"# hosts: dns\n")),
            vec![Source::Files, Source::Dns]
        );
        assert_eq!(sources(&parse_hosts(b"hosts: dns\n")), vec![Source::Dns]);
        assert!(parse_hosts(b"hosts: mdns\n").is_empty());
    }
}
