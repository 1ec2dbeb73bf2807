package devoidc

import "net/http"

// discovery is the OpenID Provider metadata (OpenID Connect Discovery 1.0 section 3).
type discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	AuthorizationResponseISSSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

func (p *Provider) discovery() discovery {
	authMethods := []string{"none"}
	if p.clientSecret != "" {
		authMethods = []string{"client_secret_basic", "client_secret_post"}
	}
	return discovery{
		Issuer:                            p.issuer,
		AuthorizationEndpoint:             p.endpoint("authorize"),
		TokenEndpoint:                     p.endpoint("token"),
		UserinfoEndpoint:                  p.endpoint("userinfo"),
		JWKSURI:                           p.endpoint("jwks"),
		EndSessionEndpoint:                p.endpoint("logout"),
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               []string{"authorization_code"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ScopesSupported:                   []string{"openid", "email", "profile", "groups"},
		ClaimsSupported:                   []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email", "email_verified", "name", "groups"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		TokenEndpointAuthMethodsSupported: authMethods,
		AuthorizationResponseISSSupported: true,
	}
}

// serveDiscovery serves {issuer}/.well-known/openid-configuration.
func (p *Provider) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	p.writeJSON(w, http.StatusOK, p.discovery())
}

// serveJWKS serves {issuer}/jwks: the public halves of the published signing keys.
func (p *Provider) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	p.writeJSON(w, http.StatusOK, p.keys.publicJWKS())
}
