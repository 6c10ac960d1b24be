// The signed-in user and their district (GET /v1/me), read once per sign-in.
import { api, type Schemas } from "./api";

type MeResponse = NonNullable<Awaited<ReturnType<typeof loadMe>>>;
export type Me = MeResponse;

export async function loadMe() {
  const { data } = await api.GET("/v1/me");
  return data ?? null;
}

export type District = Schemas["DistrictRef"];
