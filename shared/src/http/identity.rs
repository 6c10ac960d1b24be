//! Who is calling. API Gateway's JWT authorizer has verified the token; the handler reads its claims
//! from the request context. The user's record in the table then decides: unknown user or a district
//! that does not match the record is 401, no Manage Cases is 403. Nothing else names the district.

use crate::domain::{Actor, DistrictId, Permission, User, UserId};
use crate::error::Error;
use crate::store::districts::{CallerReads, DistrictRecord};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

#[derive(Debug, Clone)]
pub struct Claims {
    pub user_id: UserId,
    pub district_id: DistrictId,
}

impl Claims {
    pub fn from_request(req: &Request, config: &crate::config::Config) -> Result<Claims, Error> {
        let Some(RequestContext::ApiGatewayV2(ctx)) = req.request_context_ref() else {
            return Err(Error::Unauthorized);
        };
        let claims = &ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).ok_or(Error::Unauthorized)?.claims;
        // A claim that breaks the id rule names no user or district this portal has.
        let claims = Claims {
            user_id: claims.get(&config.user_claim).and_then(|v| v.parse().ok()).ok_or(Error::Unauthorized)?,
            district_id: claims.get(&config.district_claim).and_then(|v| v.parse().ok()).ok_or(Error::Unauthorized)?,
        };
        let span = tracing::Span::current();
        span.record("district", claims.district_id.as_str());
        span.record("user", claims.user_id.as_str());
        Ok(claims)
    }
}

/// A verified caller with Manage Cases.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub district: DistrictRecord,
}

impl Caller {
    pub fn resolve(claims: &Claims, reads: &mut CallerReads) -> Result<Caller, Error> {
        Caller::holding(claims, reads, Permission::ManageCases)
    }

    /// A known, active user of the claimed district who holds `permission` (403 otherwise).
    pub fn holding(claims: &Claims, reads: &mut CallerReads, permission: Permission) -> Result<Caller, Error> {
        let caller = Caller::identify(claims, reads)?;
        if !caller.user.can(permission) {
            return Err(Error::Forbidden);
        }
        Ok(caller)
    }

    /// A known user of the claimed district, whatever their permissions (`GET /v1/me` only: every
    /// other operation needs Manage Cases, `resolve`).
    pub fn identify(claims: &Claims, reads: &mut CallerReads) -> Result<Caller, Error> {
        let user = reads.user.take().ok_or(Error::Unauthorized)?;
        let district = reads.district.take().ok_or(Error::Unauthorized)?;
        if user.district_id != claims.district_id || district.district.id != claims.district_id {
            return Err(Error::Unauthorized);
        }
        // Deactivated by an administrator: signed out at once, whatever tokens they still hold.
        if !user.active {
            return Err(Error::Unauthorized);
        }
        Ok(Caller { user, district })
    }

    pub fn actor(&self) -> Actor<'_> {
        Actor { user: &self.user, district: &self.district.district }
    }

    pub fn acting(&self) -> crate::store::ActingUser<'_> {
        crate::store::ActingUser { district: &self.district.district.id, user: &self.user.id }
    }

    pub fn district_id(&self) -> &DistrictId {
        &self.district.district.id
    }
}
