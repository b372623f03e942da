package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// stsFixtures keep a new HaVip Creating for a few describes, so that the
// provider is still waiting for it when the session ends.
func stsFixtures() *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	fx.Transitions = map[string]mockcloud.Transition{"havip": {Mode: "describes", Describes: 4}}
	return fx
}

// onFirstCommit runs do once the key has committed action; it polls the
// journal until the test ends.
func onFirstCommit(t *testing.T, s *mockcloud.Server, accessKeyID, action string, do func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			for _, e := range s.Journal(mockcloud.JournalFilter{Action: action}) {
				if e.AccessKeyID == accessKeyID && e.Committed {
					do()
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

func stsProvider(env *acctest.Env, c mockcloud.Credential) string {
	return fmt.Sprintf(`
provider "havip" {
  region         = %q
  access_key     = %q
  secret_key     = %q
  security_token = %q
  protocol       = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
}
`, env.Server.Region(), c.AccessKeyID, c.AccessKeySecret, c.SecurityToken, env.Server.Endpoint(), env.Server.Endpoint())
}

// A session that ends while the provider waits for a new HaVip: the error
// names the resource, the call and the expiry, the HaVip is kept in the
// state (tainted) rather than orphaned, and with a new session the next
// apply replaces it, leaving exactly one.
func TestAccSTS_sessionExpiresMidApply(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: stsFixtures()})
	one, err := env.Server.AddCredential(mockcloud.Credential{AccessKeyID: "STS.sessionone0000001", AccessKeySecret: "one-secret",
		AccountID: env.Cred.AccountID, SecurityToken: "CAIS-one", Expiration: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	two := mockcloud.Credential{AccessKeyID: "STS.sessiontwo0000001", AccessKeySecret: "two-secret", AccountID: env.Cred.AccountID,
		SecurityToken: "CAIS-two", Expiration: time.Now().Add(time.Hour)}
	onFirstCommit(t, env.Server, one.AccessKeyID, "CreateHaVip", func() {
		if err := env.Server.ExpireSession(one.AccessKeyID); err != nil {
			t.Error(err)
		}
	})
	// No fixed ip_address: the plan-time check would count the tainted
	// HaVip, which holds the address until the replacement deletes it.
	body := havipConfig(`name = "sts"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: stsProvider(env, one) + body,
				ExpectError: regexp.MustCompile(`(?s)Error creating HaVip\s+with havip\.test,.*?` +
					words("HaVip") + `\s+havip-\S+\s+` + words("was created (last seen:") + `[^)]+\)\s+` + words("and is kept in the state as tainted") +
					`.*?` + words("InvalidSecurityToken.Expired") + `.*?` + words("The STS session of the provider's credentials has expired")),
			},
			{
				PreConfig: func() {
					if hs := env.HaVips(t); len(hs) != 1 {
						t.Errorf("after the expiry the mock holds %d HaVips, want the 1 created", len(hs))
					}
					if _, err := env.Server.AddCredential(two); err != nil {
						t.Fatal(err)
					}
				},
				Config: stsProvider(env, two) + body,
				Check: func(*terraform.State) error {
					if hs := env.HaVips(t); len(hs) != 1 {
						return fmt.Errorf("the mock holds %d HaVips, want 1", len(hs))
					}
					committed := func(action string) int {
						n := 0
						for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Action: action}) {
							if e.Committed {
								n++
							}
						}
						return n
					}
					created, deleted := committed("CreateHaVip"), committed("DeleteHaVip")
					if created != 2 || deleted != 1 {
						return fmt.Errorf("%d CreateHaVip and %d DeleteHaVip; want the tainted HaVip replaced: 2 and 1", created, deleted)
					}
					return nil
				},
			},
		},
	})
}

func writeProfile(t *testing.T, path string, c mockcloud.Credential) {
	t.Helper()
	doc := fmt.Sprintf(`{"current":"terraform","profiles":[{"name":"terraform","mode":"StsToken","access_key_id":%q,"access_key_secret":%q,"sts_token":%q,"region_id":"cn-hangzhou"}]}`,
		c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // as the aliyun CLI replaces it: never half-written
		t.Fatal(err)
	}
}

// Credentials from an aliyun CLI profile: when the session ends mid-apply
// and the profile has been renewed meanwhile, the provider reads it again
// and the apply goes on, each change made once.
func TestAccSTS_profileIsReadAgain(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: stsFixtures()})
	one, err := env.Server.AddCredential(mockcloud.Credential{AccessKeyID: "STS.profileone000001", AccessKeySecret: "one-secret",
		AccountID: env.Cred.AccountID, SecurityToken: "CAIS-profile-one", Expiration: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	two := mockcloud.Credential{AccessKeyID: "STS.profiletwo000001", AccessKeySecret: "two-secret", AccountID: env.Cred.AccountID,
		SecurityToken: "CAIS-profile-two", Expiration: time.Now().Add(time.Hour)}
	profile := filepath.Join(t.TempDir(), "config.json")
	writeProfile(t, profile, one)
	onFirstCommit(t, env.Server, one.AccessKeyID, "CreateHaVip", func() {
		// What `aliyun sts assume-role` and a credentials helper do: a new
		// session, written to the profile; then the old one ends.
		if _, err := env.Server.AddCredential(two); err != nil {
			t.Error(err)
			return
		}
		writeProfile(t, profile, two)
		if err := env.Server.ExpireSession(one.AccessKeyID); err != nil {
			t.Error(err)
		}
	})
	cfg := fmt.Sprintf(`
provider "havip" {
  profile      = "terraform"
  profile_file = %q
  protocol     = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
}
`, profile, env.Server.Endpoint(), env.Server.Endpoint()) + seedTopology()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				byKey := map[string]int{}
				expired := 0
				for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID}) {
					byKey[e.AccessKeyID]++
					if e.Code == "InvalidSecurityToken.Expired" {
						expired++
					}
				}
				if expired == 0 || byKey[one.AccessKeyID] == 0 || byKey[two.AccessKeyID] == 0 {
					return fmt.Errorf("want calls with both sessions and a refusal of the expired one: %v, %d expired", byKey, expired)
				}
				committed := map[string]int{}
				for _, e := range env.MutatingCalls(0) {
					if e.Committed {
						committed[e.Action]++
					}
				}
				if want := map[string]int{"CreateHaVip": 1, "AssociateHaVip": 2, "AssociateEipAddress": 1}; fmt.Sprint(committed) != fmt.Sprint(want) {
					return fmt.Errorf("committed %v, want each change once: %v", committed, want)
				}
				return nil
			},
		}},
	})
}
