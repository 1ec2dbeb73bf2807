package metrics

import "github.com/prometheus/client_golang/prometheus"

// successDesc is, for each collector that reads another system on scrape, whether its last read
// worked: its other metrics are missing from a scrape where it did not. Each collector has its
// own desc (the collector label is constant), so that several can be registered together.
func successDesc(collector string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "scrape", "collector_success"),
		"1 when the collector read its source (postgres, redis) in this scrape, 0 when it failed or timed out.",
		nil, prometheus.Labels{"collector": collector})
}

var (
	postgresSuccess = successDesc("postgres")
	redisSuccess    = successDesc("redis")
)

func success(ch chan<- prometheus.Metric, d *prometheus.Desc, ok bool) {
	v := 0.0
	if ok {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
}
