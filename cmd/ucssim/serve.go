package main

import (
	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/shell"
)

func (a *App) serveCmd() *cobra.Command {
	var (
		fl            shellFlags
		sipTCP, sipUD string
		ews           string
		sipTLS        string
		ewsTLS        string
		tlsDir        string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the SIP front end and the EWS mock on fixed loopback ports, clock under your control",
		Long: `Start a simulated world whose SIP front end and Exchange Web Services mock listen on fixed
loopback ports, so outside clients (SIPp, EWS libraries such as ews-javascript-api) can talk to
them (with --tls-dir also SIP over TLS and EWS over HTTPS, under a certificate authority of the
world's own), and take commands on the standard input exactly as ucssim shell does: cmdlets, sign-ins,
faults, and wait/until to move the virtual clock. Outside requests are answered at the current
virtual instant; time moves only when you say so. Addresses must be loopback.

Outside clients are guests: a request counts only once it has fully arrived, a NOTIFY nobody
answers holds wait for at most 2 s (traced as notify.timeout), and a roaming-contacts SUBSCRIBE
must come over TCP. Users with a password: in the world file must give it to EWS (shown below
the addresses). Every bound is in docs/LIMITS.md.`,
		Example: `  ucssim serve
  ucssim serve --sip 127.0.0.1:5070 --ews 127.0.0.1:8081 --world scenarios/seed/per-user-policy-story.yaml

  # from another terminal: register and subscribe over TCP with SIPp
  sipp -t t1 -m 1 -sf sim/internal/frontend/testdata/sipp/register-subscribe.xml 127.0.0.1:5060

  # TLS clients (pidgin-sipe, Lync's default transport): SIP on 5061, EWS on https://127.0.0.1:8443
  ucssim serve --tls-dir /tmp/ucssim-tls     # then trust /tmp/ucssim-tls/ca.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runShell(cmd, fl, shell.Options{
				World: sim.WorldOptions{SIPTCP: sipTCP, SIPUDP: sipUD, EWS: ews, GuestHold: sim.DefaultGuestHold,
					TLS: tlsDir != "", SIPTLS: sipTLS, EWSTLS: ewsTLS, TLSDir: tlsDir},
				ShowEndpoints: true,
			})
		},
	}
	f := cmd.Flags()
	fl.addFlags(f)
	f.StringVar(&sipTCP, "sip", "127.0.0.1:5060", "SIP front end TCP address (loopback)")
	f.StringVar(&sipUD, "sip-udp", "127.0.0.1:5060", "SIP front end UDP address (loopback)")
	f.StringVar(&ews, "ews", "127.0.0.1:8080", "EWS mock HTTP address (loopback)")
	f.StringVar(&tlsDir, "tls-dir", "", "make the world's certificate authority, write its ca.pem (and the server's certificate and key) to this directory, and serve SIP over TLS and EWS over HTTPS")
	f.StringVar(&sipTLS, "sip-tls", "127.0.0.1:5061", "SIP over TLS address (loopback; with --tls-dir)")
	f.StringVar(&ewsTLS, "ews-https", "127.0.0.1:8443", "EWS mock HTTPS address (loopback; with --tls-dir)")
	return cmd
}
