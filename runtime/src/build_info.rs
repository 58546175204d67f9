//! Facts about the program as series whose value is always 1: `<namespace>_build_info`
//! with the version of your crate ([`build_info!`](crate::build_info!)), and
//! `target_info` with whatever describes the target ([`TargetInfo`]).
//!
//! Both are OpenMetrics `info` metrics: type `info` in OpenMetrics, a gauge named
//! `…_info` in the text format 0.0.4 (what Prometheus expects there).
//!
//! ```
//! use promenade::build_info::TargetInfo;
//! use promenade::Registry;
//!
//! let registry = Registry::new();
//! // Target metadata SHOULD come first in an exposition: register it first.
//! registry.register(TargetInfo::new([("service", "checkout"), ("env", "prod")])?)?;
//! registry.register(promenade::build_info!())?;
//! let text = promenade::encoding::text::encode_to_string(&registry);
//! assert!(text.starts_with("# HELP target_info Target metadata.\n# TYPE target_info gauge\n"));
//! assert!(text.contains(&format!(
//!     "\npromenade_build_info{{version=\"{}\"}} 1\n",
//!     env!("CARGO_PKG_VERSION")
//! )));
//! # Ok::<(), promenade::Error>(())
//! ```

use std::borrow::Cow;

use crate::metrics::{Info, MetricType};
use crate::registry::{Collector, Descriptor, Point, Sink};
use crate::Error;

/// Builds a [`BuildInfo`] for the crate this macro is written in: its package name (made
/// into a valid namespace: `my-app` → `my_app`) and its version, captured at compile time
/// with `env!("CARGO_PKG_NAME")` and `env!("CARGO_PKG_VERSION")`.
///
/// Register the result in a registry (it is a [`Collector`]):
///
/// ```
/// use promenade::Registry;
///
/// let registry = Registry::new();
/// registry.register(promenade::build_info!().label("commit", "4b825dc")?)?;
/// assert_eq!(
///     registry.get_sample_value(
///         "promenade_build_info",
///         &[("version", env!("CARGO_PKG_VERSION")), ("commit", "4b825dc")],
///     ),
///     Some(1.0)
/// );
/// # Ok::<(), promenade::Error>(())
/// ```
#[macro_export]
macro_rules! build_info {
    () => {
        $crate::build_info::BuildInfo::new(
            ::core::env!("CARGO_PKG_NAME"),
            ::core::env!("CARGO_PKG_VERSION"),
        )
    };
}

/// `<namespace>_build_info{version="…",…} 1`: the version a program was built from.
///
/// Usually made by [`build_info!`](crate::build_info!); build one by hand for a name or
/// version from elsewhere. Its HELP text is yours with [`help`](Self::help).
///
/// ```
/// use promenade::build_info::BuildInfo;
/// use promenade::Registry;
///
/// let registry = Registry::new();
/// registry.register(BuildInfo::new("my-app", "1.2.3").label("rustc", "1.80.0")?)?;
/// assert_eq!(
///     promenade::encoding::text::encode_to_string(&registry),
///     "# HELP my_app_build_info A metric with a constant '1' value labelled by the version my-app was built from.\n\
///      ## TYPE my_app_build_info gauge\n\
///      my_app_build_info{version=\"1.2.3\",rustc=\"1.80.0\"} 1\n"
/// );
/// # Ok::<(), promenade::Error>(())
/// ```
#[derive(Debug)]
pub struct BuildInfo {
    descriptor: Descriptor,
    labels: Vec<(String, String)>,
    info: Info,
}

impl BuildInfo {
    /// The build info of `package` at `version`, in the namespace made from `package`:
    /// every character other than an ASCII letter, digit or `_` becomes `_`, and a leading
    /// digit gets a `_` before it (and a leading `__`, reserved by Prometheus, becomes `_`).
    ///
    /// ```
    /// use promenade::build_info::BuildInfo;
    /// assert_eq!(BuildInfo::new("my-app", "0.1.0").name(), "my_app_build_info");
    /// assert_eq!(BuildInfo::new("9lives", "1.0.0").name(), "_9lives_build_info");
    /// assert_eq!(BuildInfo::new("", "1.0.0").name(), "build_info");
    /// ```
    pub fn new(package: &str, version: &str) -> Self {
        let namespace = sanitize_namespace(package);
        let name = if namespace.is_empty() {
            "build_info".to_owned()
        } else {
            format!("{namespace}_build_info")
        };
        let help = format!(
            "A metric with a constant '1' value labelled by the version {package} was built from."
        );
        let labels = vec![("version".to_owned(), version.to_owned())];
        let info = Info::new();
        // `version` is a valid, single label name: this cannot fail.
        let _ = info.set([("version", version)]);
        BuildInfo {
            descriptor: Descriptor::new(name, help, MetricType::Info, "promenade::build_info!"),
            labels,
            info,
        }
    }

    /// Uses `namespace` instead of the one made from the package name (`""` for a bare
    /// `build_info`).
    ///
    /// ```
    /// let info = promenade::build_info!().namespace("checkout")?;
    /// assert_eq!(info.name(), "checkout_build_info");
    /// assert!(promenade::build_info!().namespace("not valid").is_err());
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn namespace(mut self, namespace: &str) -> Result<Self, Error> {
        let name = if namespace.is_empty() {
            "build_info".to_owned()
        } else {
            format!("{namespace}_build_info")
        };
        crate::validate::metric_name(&name)?;
        self.descriptor = Descriptor::new(
            name,
            self.descriptor.help.clone(),
            MetricType::Info,
            self.descriptor.defined_at.clone(),
        );
        Ok(self)
    }

    /// Uses `help` as the HELP text instead of the default, `A metric with a constant '1'
    /// value labelled by the version <package> was built from.` (the Python client's
    /// `Info('my_build', 'Description of info')` takes its own). Any text is fine: the
    /// encoders escape it.
    ///
    /// ```
    /// use promenade::Registry;
    ///
    /// let registry = Registry::new();
    /// registry.register(
    ///     promenade::build_info::BuildInfo::new("checkout", "2.1.0").help("The build of the checkout service."),
    /// )?;
    /// assert_eq!(
    ///     promenade::encoding::text::encode_to_string(&registry),
    ///     "# HELP checkout_build_info The build of the checkout service.\n\
    ///      ## TYPE checkout_build_info gauge\n\
    ///      checkout_build_info{version=\"2.1.0\"} 1\n"
    /// );
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.descriptor.help = help.into();
        self
    }

    /// Adds a label (`commit`, `branch`, `rustc`, …). Fails for an invalid or repeated name.
    ///
    /// ```
    /// let info = promenade::build_info!();
    /// assert!(info.label("version", "again").is_err());
    /// ```
    pub fn label(mut self, name: &str, value: &str) -> Result<Self, Error> {
        self.labels.push((name.to_owned(), value.to_owned()));
        self.info
            .set(self.labels.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
        Ok(self)
    }

    /// The exposed name, `<namespace>_build_info`.
    ///
    /// ```
    /// assert_eq!(promenade::build_info!().name(), "promenade_build_info");
    /// ```
    pub fn name(&self) -> String {
        format!("{}_info", self.descriptor.name)
    }
}

impl Collector for BuildInfo {
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.descriptor.clone()]
    }

    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.descriptor);
        sink.point(&(), Point::Info(&self.info));
    }
}

/// `target_info{…} 1`: metadata about the monitored target (service, environment,
/// region…), the OpenMetrics way of attaching it to everything a target exposes (the
/// Python client's `registry.set_target_info`).
///
/// OpenMetrics says it SHOULD be the first family of an exposition: register it before
/// anything else. Its labels can be replaced while it is registered; its HELP text is
/// `Target metadata.` unless [`help`](Self::help) says otherwise.
///
/// ```
/// use promenade::build_info::TargetInfo;
/// use promenade::Registry;
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let target = Arc::new(TargetInfo::new([("service", "checkout")])?);
/// registry.register(target.clone())?;
/// target.set([("service", "checkout"), ("zone", "b")])?;
/// assert_eq!(
///     promenade::encoding::text::encode_to_string(&registry),
///     "# HELP target_info Target metadata.\n# TYPE target_info gauge\ntarget_info{service=\"checkout\",zone=\"b\"} 1\n"
/// );
/// assert!(TargetInfo::new([("a", "1"), ("a", "2")]).is_err());
/// # Ok::<(), promenade::Error>(())
/// ```
#[derive(Debug)]
pub struct TargetInfo {
    descriptor: Descriptor,
    info: Info,
}

impl TargetInfo {
    /// `target_info` with these labels; their names must be valid and distinct.
    ///
    /// ```
    /// let err = promenade::build_info::TargetInfo::new([("bad-name", "x")]).unwrap_err();
    /// assert!(err.to_string().contains("bad-name"));
    /// ```
    pub fn new<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let info = Info::new();
        info.set(labels)?;
        Ok(TargetInfo {
            descriptor: Descriptor::new(
                "target_info",
                "Target metadata.",
                MetricType::Info,
                Cow::Borrowed("promenade::build_info::TargetInfo"),
            ),
            info,
        })
    }

    /// Uses `help` as the HELP text instead of the default, `Target metadata.` (what the
    /// Python client's `set_target_info` writes). Any text is fine: the encoders escape it.
    ///
    /// ```
    /// use promenade::build_info::TargetInfo;
    /// use promenade::Registry;
    ///
    /// let registry = Registry::new();
    /// registry.register(TargetInfo::new([("service", "checkout")])?.help("Where this runs."))?;
    /// assert!(promenade::encoding::text::encode_to_string(&registry)
    ///     .starts_with("# HELP target_info Where this runs.\n"));
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.descriptor.help = help.into();
        self
    }

    /// Replaces the labels; on error the old ones stay.
    ///
    /// ```
    /// let t = promenade::build_info::TargetInfo::new([("env", "dev")])?;
    /// assert!(t.set([("__reserved", "x")]).is_err());
    /// t.set([("env", "prod")])?;
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn set<'a>(
        &self,
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Error> {
        self.info.set(labels)
    }
}

impl Collector for TargetInfo {
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.descriptor.clone()]
    }

    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.descriptor);
        sink.point(&(), Point::Info(&self.info));
    }
}

/// A package name as a metric namespace: `[a-zA-Z0-9_]`, not starting with a digit.
fn sanitize_namespace(package: &str) -> String {
    let mut out: String = package
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    // `__` starts the names Prometheus reserves for itself.
    while out.starts_with("__") {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize_namespace;

    #[test]
    fn namespaces_from_package_names() {
        assert_eq!(sanitize_namespace("serde_json"), "serde_json");
        assert_eq!(sanitize_namespace("my-app"), "my_app");
        assert_eq!(sanitize_namespace("1password"), "_1password");
        assert_eq!(sanitize_namespace("é.x"), "_x");
        assert_eq!(sanitize_namespace("--x"), "_x");
        assert_eq!(sanitize_namespace(""), "");
    }
}
