// A cluster DNS for the test tier: CoreDNS with only the plugins the tier needs. It answers
// cluster.local names from the Kubernetes API and nothing else: there is no forward plugin, so
// no name is ever looked up in the machine's DNS.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
)

func main() {
	coremain.Run()
}
