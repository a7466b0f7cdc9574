// Small visual vocabulary shared by the contact screens: platform marks and intent badges,
// each with a text equivalent (never colour alone).
const PLATFORM_LABEL: Record<string, string> = {
  web: "Web",
  whatsapp: "WhatsApp",
  telegram: "Telegram",
  facebook: "Facebook",
  zalo: "Zalo",
  other: "Other",
};
export const PLATFORMS = Object.keys(PLATFORM_LABEL);
export const INTENTS = ["browsing", "comparing", "ready_to_buy"] as const;

export function PlatformIcon({ platform }: { platform: string }) {
  const label = PLATFORM_LABEL[platform] ?? platform;
  return (
    <span className={`platform platform-${platform}`} title={label} role="img" aria-label={label}>
      {label.slice(0, 2)}
    </span>
  );
}

export function IntentBadge({ intent }: { intent: string | null | undefined }) {
  if (!intent) return <span className="muted">–</span>;
  return <span className={`badge intent-${intent}`}>{intent.replace(/_/g, " ")}</span>;
}

export function relativeTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const diff = Date.now() - Date.parse(iso);
  const minutes = Math.round(diff / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return `${days} d ago`;
  return new Date(iso).toLocaleDateString();
}
