// The one-line form on a family's series is a timer too, with the same message.
#![deny(unused_must_use)]

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, promenade::LabelValue)]
enum Route {
    Home,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, promenade::LabelSet)]
struct ByRoute {
    route: Route,
}

fn main() {
    let family: promenade::Family<ByRoute, promenade::Summary> = promenade::Family::new();
    family.labels(ByRoute { route: Route::Home }).start_timer();
}
