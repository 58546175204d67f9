use promenade::{Counter, Family, Histogram, LabelSet, LabelValue, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
    Put,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    method: Method,
    cached: bool,
}

// 6 counter series, and 6 x (3 buckets + `+Inf` + `_sum` + `_count`) = 36 histogram series.
#[derive(Metrics)]
#[metrics(max_series = 40)]
struct HttpMetrics {
    /// Requests served.
    requests: Family<Request, Counter>,
    /// Time to serve a request.
    #[metric(buckets = [0.1, 0.5, 1.0])]
    latency_seconds: Family<Request, Histogram>,
}

fn main() {}
