//! `build_info!` and `TargetInfo`: whole expositions in text 0.0.4 (gauges named `…_info`)
//! and OpenMetrics (type `info`), parsed back strictly.

use std::sync::Arc;

use promenade::build_info::{BuildInfo, TargetInfo};
use promenade::parse::{self, MetricType};
use promenade::Registry;

fn text(registry: &Registry) -> String {
    let text = promenade::encoding::text::encode_to_string(registry);
    parse::text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    text
}

fn openmetrics(registry: &Registry) -> String {
    let mut om = String::new();
    promenade::encoding::openmetrics::encode(registry, &mut om);
    parse::openmetrics(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    om
}

#[test]
fn the_macro_captures_this_crate() {
    // Integration tests are compiled as part of the `promenade` package.
    let info = promenade::build_info!();
    assert_eq!(info.name(), "promenade_build_info");
    let registry = Registry::new();
    registry.register(info).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        text(&registry),
        format!(
            "# HELP promenade_build_info A metric with a constant '1' value labelled by the version promenade was built from.\n\
             # TYPE promenade_build_info gauge\n\
             promenade_build_info{{version=\"{version}\"}} 1\n"
        )
    );
    assert_eq!(
        openmetrics(&registry),
        format!(
            "# TYPE promenade_build info\n\
             # HELP promenade_build A metric with a constant '1' value labelled by the version promenade was built from.\n\
             promenade_build_info{{version=\"{version}\"}} 1\n\
             # EOF\n"
        )
    );
}

#[test]
fn package_names_become_namespaces_and_labels_are_checked() {
    let registry = Registry::new();
    registry
        .register(
            BuildInfo::new("my-app.v2", "1.0.0-rc.1+build \"5\"")
                .label("commit", "4b825dc")
                .unwrap()
                .label("rustc", "1.80.0")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        text(&registry),
        "# HELP my_app_v2_build_info A metric with a constant '1' value labelled by the version my-app.v2 was built from.\n\
         # TYPE my_app_v2_build_info gauge\n\
         my_app_v2_build_info{version=\"1.0.0-rc.1+build \\\"5\\\"\",commit=\"4b825dc\",rustc=\"1.80.0\"} 1\n"
    );
    let families = parse::text(&text(&registry)).unwrap();
    assert_eq!(families[0].metric_type, MetricType::Gauge);
    assert_eq!(
        families[0].samples[0].label("version"),
        Some("1.0.0-rc.1+build \"5\"")
    );

    for (name, why) in [
        ("version", "same label twice"),
        ("9x", "must start with a letter"),
        ("__x", "reserved"),
        ("a-b", "ASCII letters, digits"),
    ] {
        let err = BuildInfo::new("x", "1").label(name, "v").unwrap_err();
        assert!(err.to_string().contains(why), "{name}: {err}");
    }
    assert_eq!(
        BuildInfo::new("x", "1").namespace("").unwrap().name(),
        "build_info"
    );
    assert!(BuildInfo::new("x", "1").namespace("__x").is_err());
}

#[test]
fn target_info_comes_first_and_can_be_replaced() {
    let registry = Registry::new();
    let target = Arc::new(
        TargetInfo::new([
            ("service", "checkout"),
            ("env", "prod"),
            ("note", "a\\b\nc"),
        ])
        .unwrap(),
    );
    registry.register(target.clone()).unwrap();
    registry
        .register(BuildInfo::new("checkout", "2.1.0"))
        .unwrap();
    assert_eq!(
        text(&registry),
        "# HELP target_info Target metadata.\n\
         # TYPE target_info gauge\n\
         target_info{service=\"checkout\",env=\"prod\",note=\"a\\\\b\\nc\"} 1\n\
         # HELP checkout_build_info A metric with a constant '1' value labelled by the version checkout was built from.\n\
         # TYPE checkout_build_info gauge\n\
         checkout_build_info{version=\"2.1.0\"} 1\n"
    );
    assert_eq!(
        openmetrics(&registry),
        "# TYPE target info\n\
         # HELP target Target metadata.\n\
         target_info{service=\"checkout\",env=\"prod\",note=\"a\\\\b\\nc\"} 1\n\
         # TYPE checkout_build info\n\
         # HELP checkout_build A metric with a constant '1' value labelled by the version checkout was built from.\n\
         checkout_build_info{version=\"2.1.0\"} 1\n\
         # EOF\n"
    );

    // A failed replacement keeps the old labels.
    assert!(target.set([("env", "a"), ("env", "b")]).is_err());
    target.set([("env", "staging")]).unwrap();
    assert!(text(&registry).contains("\ntarget_info{env=\"staging\"} 1\n"));

    // Only one `target_info` per registry: the names clash.
    let err = registry
        .register(TargetInfo::new([("x", "1")]).unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("duplicate metric"), "{err}");
}

/// The HELP text is the user's where Python takes it (`Info('my_build', 'Description of
/// info')`), in both formats, escaped; the defaults stay.
#[test]
fn help_texts_are_the_users() {
    let registry = Registry::new();
    let target = Arc::new(
        TargetInfo::new([("service", "checkout")])
            .unwrap()
            .help("Where this \\ runs,\nand how."),
    );
    registry.register(target.clone()).unwrap();
    registry
        .register(
            promenade::build_info!()
                .help("The build.")
                .namespace("checkout")
                .unwrap()
                .label("commit", "4b825dc")
                .unwrap(),
        )
        .unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        text(&registry),
        format!(
            "# HELP target_info Where this \\\\ runs,\\nand how.\n\
             # TYPE target_info gauge\n\
             target_info{{service=\"checkout\"}} 1\n\
             # HELP checkout_build_info The build.\n\
             # TYPE checkout_build_info gauge\n\
             checkout_build_info{{version=\"{version}\",commit=\"4b825dc\"}} 1\n"
        )
    );
    assert_eq!(
        openmetrics(&registry),
        format!(
            "# TYPE target info\n\
             # HELP target Where this \\\\ runs,\\nand how.\n\
             target_info{{service=\"checkout\"}} 1\n\
             # TYPE checkout_build info\n\
             # HELP checkout_build The build.\n\
             checkout_build_info{{version=\"{version}\",commit=\"4b825dc\"}} 1\n\
             # EOF\n"
        )
    );
    // Replacing the labels keeps the help.
    target.set([("service", "cart")]).unwrap();
    assert!(text(&registry).starts_with("# HELP target_info Where this \\\\ runs,\\nand how.\n"));
    // The help order does not matter: after `namespace` too.
    let info = BuildInfo::new("x", "1").namespace("y").unwrap().help("Y.");
    let r = Registry::new();
    r.register(info).unwrap();
    assert!(text(&r).starts_with("# HELP y_build_info Y.\n"));
}
