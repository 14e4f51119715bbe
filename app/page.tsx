export default function Home() {
  return (
    <main className="mx-auto max-w-2xl p-6">
      <h1 className="text-2xl font-semibold">Open Cloudauth</h1>
      <p className="mt-2 text-slate-600">
        Self-hosted real-person verification (实人认证), wire-compatible with the Alibaba Cloud Cloudauth API.
      </p>
      <p className="mt-4 text-slate-600">
        This address is the API endpoint: point <code>@alicloud/pop-core</code> at it (see the README).
      </p>
    </main>
  );
}
