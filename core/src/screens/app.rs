//! [`App`]: the navigation stack, the lock, and the dispatch of every event to the screen it
//! belongs to. See the module documentation of [`crate::screens`].

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::backup::{BackupAction, BackupScreen, BackupView};
use super::checkin::{CheckInAction, CheckInScreen, CheckInView};
use super::common::Notice;
use super::crisis::CrisisView;
use super::exercises::{ExercisesAction, ExercisesScreen, ExercisesView};
use super::gate::{FirstRun, FirstRunView, GateAction, LockView, NeutralView};
use super::goals::{GoalsAction, GoalsScreen, GoalsView};
use super::home::{HomeAction, HomeView};
use super::insights::{InsightsAction, InsightsScreen, InsightsView};
use super::log_urge::{LogUrge, LogUrgeAction, LogUrgeView};
use super::plan::{ContactKind, PlanAction, PlanScreen, PlanView};
use super::settings::{SettingsAction, SettingsScreen, SettingsView};
use super::sharing::{SharingAction, SharingScreen, SharingView};
use super::slip::{SlipAction, SlipScreen, SlipView};
use super::surf::{SurfAction, SurfScreen, SurfView};
use super::{gate, home};
use crate::clock::Clock;
use crate::crypto::Passphrase;
use crate::error::{Error, Result};
use crate::lock::{LockReason, LockTimer, OnBackground};
use crate::notify::{NotificationPlan, ReminderSchedule, Wording};
use crate::safety::CrisisStep;
use crate::settings::AppSettings;
use crate::store::Store;
use crate::sync::Transport;

/// What the app model needs from its surroundings: the store (opened and closed with the
/// platform's key store, which only the bindings can reach), the network and the clock.
pub trait Host: Send + Sync {
    /// The open store, or `None` while locked.
    fn store(&self) -> Option<Arc<Store>>;
    /// Whether a store exists yet (`false` on the very first run).
    fn store_exists(&self) -> bool;
    /// Create the store, protected by the recovery passphrase.
    fn create(&self, passphrase: Passphrase) -> Result<()>;
    /// Open the store (after a lock).
    fn unlock(&self, key: HostKey) -> Result<()>;
    /// Also protect the open store with the platform key (after the person authenticated
    /// with biometrics, which the key requires).
    fn add_device_key(&self) -> Result<()>;
    /// Close the store and drop its keys from memory.
    fn lock(&self);
    /// The network, for pairing and syncing.
    fn transport(&self) -> Arc<dyn Transport>;
    /// The device clock (time and zone).
    fn clock(&self) -> Arc<dyn Clock>;
}

/// How to open the store.
pub enum HostKey {
    Passphrase(Passphrase),
    /// The platform key (the person just authenticated with biometrics).
    DeviceKey,
}

/// What the phone can do for unlocking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Biometrics {
    /// No biometric hardware (or none strong enough to guard a key).
    Unavailable,
    /// Hardware present, nothing enrolled.
    NotEnrolled,
    Available,
}

/// Facts about the phone, reported by the shell when it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Platform {
    pub biometrics: Biometrics,
    /// Whether the key-store key that wraps this store's data key exists (biometric unlock
    /// was set up on this phone).
    pub device_key_enrolled: bool,
}

/// Where the person can go from a menu or a button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Route {
    Home,
    LogUrge,
    /// The plan for this moment: what helps, who can be reached now.
    HelpNow,
    Surf,
    Exercises,
    Plan,
    Slip,
    CheckIn,
    Goals,
    Insights,
    Sharing,
    Backup,
    Settings,
}

/// Why the shell is asked to authenticate the person with biometrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AuthPurpose {
    /// To open the store with the platform key.
    Unlock,
    /// To create the platform key that will guard the store (turning biometric unlock on).
    Enrol,
}

/// Something the person did, or something that happened to the app.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Event {
    /// The shell is showing its first screen (once per process).
    Started,
    Open {
        route: Route,
    },
    /// The system back gesture or the back arrow.
    Back,
    DismissNotice,
    /// One gesture: a neutral screen, the store locked, the app left.
    QuickExit,
    /// The person locks the app.
    LockNow,
    WentToBackground,
    CameToForeground,
    /// A delay asked for by [`Effect::LockAfter`] has passed.
    LockTimerFired,
    /// Close the crisis step shown over the screen.
    CloseCrisis,
    /// Call or text someone of the plan (from a card anywhere: the crisis step, next steps).
    Contact {
        contact_id: String,
        kind: ContactKind,
    },
    /// Call the local emergency number shown with the crisis step.
    CallEmergency,
    /// The biometric prompt asked for by [`Effect::Authenticate`] succeeded.
    Authenticated,
    /// It did not (`cancelled`: the person closed it).
    AuthenticationFailed {
        cancelled: bool,
    },
    Gate {
        action: GateAction,
    },
    Home {
        action: HomeAction,
    },
    LogUrge {
        action: LogUrgeAction,
    },
    Surf {
        action: SurfAction,
    },
    Exercises {
        action: ExercisesAction,
    },
    Plan {
        action: PlanAction,
    },
    Slip {
        action: SlipAction,
    },
    CheckIn {
        action: CheckInAction,
    },
    Goals {
        action: GoalsAction,
    },
    Insights {
        action: InsightsAction,
    },
    Sharing {
        action: SharingAction,
    },
    Backup {
        action: BackupAction,
    },
    Settings {
        action: SettingsAction,
    },
}

/// Something for the platform to do. The shell carries each out as it is, in order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Effect {
    /// Show the biometric prompt with these words, then send [`Event::Authenticated`] or
    /// [`Event::AuthenticationFailed`].
    Authenticate { purpose: AuthPurpose, title: String, subtitle: String, cancel: String },
    /// Delete the key-store key (biometric unlock was turned off).
    ForgetDeviceKey,
    /// Open the phone's dialler on this number.
    Dial { number: String },
    /// Open a new text message to this number.
    Message { number: String },
    /// Cancel what was scheduled under `plan.group`, then schedule `plan.upcoming`.
    Notifications { plan: NotificationPlan },
    /// Replace every standing reminder with this schedule (keep its JSON for after a reboot).
    Reminders { schedule: ReminderSchedule },
    /// Send [`Event::LockTimerFired`] after this many milliseconds unless the app came back.
    LockAfter { ms: u64 },
    /// Offer to save these bytes as a file the person chooses.
    SaveFile { suggested_name: String, mime: String, bytes: Vec<u8> },
    /// Let the person pick a file; send its bytes back with `BackupAction::FilePicked`.
    PickFile { mime: String },
    /// Open the camera to scan a code; send the text back with `SharingAction::Scanned`.
    ScanCode,
    /// Show the app under a neutral name and icon (`discreet`), or its own.
    AppIdentity { discreet: bool, name: String },
    /// Run a sync in the background soon.
    SyncSoon,
    /// Leave the app (the quick exit).
    LeaveApp,
}

impl std::fmt::Debug for HostKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostKey::Passphrase(_) => f.write_str("HostKey::Passphrase(<redacted>)"),
            HostKey::DeviceKey => f.write_str("HostKey::DeviceKey"),
        }
    }
}

/// The screen on top, as the shell renders it.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ScreenView {
    FirstRun {
        view: FirstRunView,
    },
    Locked {
        view: LockView,
    },
    /// What a quick exit leaves on screen.
    Neutral {
        view: NeutralView,
    },
    Home {
        view: HomeView,
    },
    LogUrge {
        view: LogUrgeView,
    },
    Surf {
        view: SurfView,
    },
    Exercises {
        view: ExercisesView,
    },
    Plan {
        view: PlanView,
    },
    Slip {
        view: SlipView,
    },
    CheckIn {
        view: CheckInView,
    },
    Goals {
        view: GoalsView,
    },
    Insights {
        view: InsightsView,
    },
    Sharing {
        view: SharingView,
    },
    Backup {
        view: BackupView,
    },
    Settings {
        view: SettingsView,
    },
    /// The screen could not be built (its data could not be read); `text` says so kindly.
    Unavailable {
        text: String,
    },
}

/// Everything the shell renders.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AppView {
    pub screen: ScreenView,
    /// The screen's title (neutral on the lock and neutral screens).
    pub title: String,
    /// The app's name as shown now (neutral in discreet mode).
    pub app_name: String,
    pub can_go_back: bool,
    pub notice: Option<Notice>,
    /// The crisis step, shown over the screen before anything else until closed: words of
    /// suicide or self-harm were typed on it.
    pub crisis: Option<CrisisView>,
    /// Ask for the view again after this many milliseconds (a timer or an exercise is
    /// running); `None`: only after the next event.
    pub refresh_after_ms: Option<u32>,
    /// The label of the quick-exit control, present whenever the journal is open.
    pub quick_exit: Option<String>,
    /// Keep the content out of screenshots and the app switcher. Always true: the shell
    /// applies it (FLAG_SECURE, a privacy cover) from the first frame.
    pub secure: bool,
}

/// The label of the quick exit.
pub const QUICK_EXIT_LABEL: &str = "Leave quickly";
const DISCREET_NAME: &str = "Journal";
const FULL_NAME: &str = "Recovery companion";
/// Said when the stored settings could not be read on opening.
pub(crate) const SETTINGS_UNREADABLE: &str = "Your app settings couldn't be read, so the usual ones are in use: discreet, locking after a minute, no reminders. Choose yours again in Settings.";

/// The app's name as shown: neutral in discreet mode.
pub(crate) fn app_name(discreet: bool) -> &'static str {
    if discreet {
        DISCREET_NAME
    } else {
        FULL_NAME
    }
}

/// One screen on the navigation stack, with what it holds while open.
pub(crate) enum Screen {
    Home,
    LogUrge(LogUrge),
    Surf(SurfScreen),
    Exercises(ExercisesScreen),
    Plan(PlanScreen),
    Slip(SlipScreen),
    CheckIn(CheckInScreen),
    Goals(GoalsScreen),
    Insights(InsightsScreen),
    Sharing(SharingScreen),
    Backup(BackupScreen),
    Settings(SettingsScreen),
}

/// Where the app stands with its lock.
enum Gate {
    /// No store yet.
    FirstRun(FirstRun),
    Locked {
        reason: LockReason,
        problem: Option<String>,
    },
    /// A quick exit: the neutral screen, the store locked.
    Neutral,
    Open,
}

/// What a screen's action asks of the app, besides its effects.
#[derive(Default)]
pub(crate) enum Nav {
    #[default]
    Stay,
    Push(Screen),
    /// Replace the screen on top.
    Replace(Screen),
    Pop,
}

/// The result of one screen action.
#[derive(Default)]
pub(crate) struct Reaction {
    pub nav: Nav,
    pub effects: Vec<Effect>,
    pub notice: Option<Notice>,
    /// Words typed on the screen call for the crisis step.
    pub crisis: Option<CrisisStep>,
}

impl Reaction {
    pub fn notice(notice: Notice) -> Reaction {
        Reaction { notice: Some(notice), ..Reaction::default() }
    }

    pub fn nav(nav: Nav) -> Reaction {
        Reaction { nav, ..Reaction::default() }
    }

    pub fn effect(effect: Effect) -> Reaction {
        Reaction { effects: vec![effect], ..Reaction::default() }
    }

    pub fn with_notice(mut self, notice: Notice) -> Reaction {
        self.notice = Some(notice);
        self
    }

    pub fn with_crisis(mut self, crisis: Option<CrisisStep>) -> Reaction {
        self.crisis = crisis;
        self
    }

    pub fn with_effect(mut self, effect: Effect) -> Reaction {
        self.effects.push(effect);
        self
    }
}

/// What a screen reads and changes while it handles an action or builds its view.
pub(crate) struct Cx<'a> {
    pub store: &'a Store,
    pub host: &'a dyn Host,
    /// The settings in force: as stored, read when the journal opens.
    pub settings: &'a mut AppSettings,
    pub platform: Platform,
}

impl Cx<'_> {
    /// Change the settings: saved first, then in force (a refused or failed save changes
    /// nothing).
    pub fn change_settings(&mut self, change: impl FnOnce(&mut AppSettings)) -> Result<()> {
        let mut next = *self.settings;
        change(&mut next);
        self.store.set_app_settings(&next)?;
        *self.settings = next;
        Ok(())
    }

    /// Read the stored settings into force. When they cannot be read, the defaults apply
    /// (discreet, locking after a minute) and the error says so; the record stays as it is
    /// until the next change replaces it.
    pub fn load_settings(&mut self) -> Result<()> {
        let loaded = self.store.app_settings();
        *self.settings = loaded.as_ref().copied().unwrap_or_default();
        loaded.map(|_| ())
    }

    /// Everything the platform holds that follows the settings, brought up to date: the app's
    /// name and icon, the standing reminders, the notifications of a surf under way.
    pub fn platform_effects(&self) -> Result<Vec<Effect>> {
        let discreet = self.settings.discreet;
        let mut effects = vec![
            Effect::AppIdentity { discreet, name: app_name(discreet).into() },
            Effect::Reminders { schedule: self.reminder_schedule()? },
        ];
        if let Some(plan) = super::surf::active_notifications(self)? {
            effects.push(Effect::Notifications { plan });
        }
        Ok(effects)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.host.clock().now()
    }

    pub fn today(&self) -> NaiveDate {
        self.host.clock().today()
    }

    /// The notification wording in force: neutral in discreet mode, else the person's choice.
    pub fn wording(&self) -> Result<Wording> {
        if self.settings.discreet {
            return Ok(Wording::Neutral);
        }
        self.store.notification_wording()
    }

    /// The standing reminders as they should be now.
    pub fn reminder_schedule(&self) -> Result<ReminderSchedule> {
        let goals_in_progress = super::goals::any_in_progress(self.store)?;
        Ok(ReminderSchedule::build(&self.settings.reminders, self.wording()?, goals_in_progress))
    }
}

/// The app: the navigation stack, the lock, the settings in force.
pub struct App {
    gate: Gate,
    stack: Vec<Screen>,
    settings: AppSettings,
    /// Time in the background, against `settings.lock_after_secs`.
    lock: LockTimer,
    platform: Platform,
    notice: Option<Notice>,
    crisis: Option<CrisisView>,
    /// Why the shell was last asked to authenticate.
    pending_auth: Option<AuthPurpose>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "App({} screens)", self.stack.len())
    }
}

impl App {
    /// A freshly started app: locked (or at the first run when there is no store yet).
    pub fn new(host: &dyn Host, platform: Platform) -> App {
        let gate = if host.store_exists() {
            Gate::Locked { reason: LockReason::ColdStart, problem: None }
        } else {
            Gate::FirstRun(FirstRun::default())
        };
        host.lock();
        App {
            gate,
            stack: vec![Screen::Home],
            settings: AppSettings::default(),
            lock: LockTimer::default(),
            platform,
            notice: None,
            crisis: None,
            pending_auth: None,
        }
    }

    /// The settings in force (the defaults until the journal is first opened).
    pub fn settings(&self) -> AppSettings {
        self.settings
    }

    /// The shell reports new facts about the phone (biometrics enrolled or removed).
    pub fn set_platform(&mut self, platform: Platform) {
        self.platform = platform;
    }

    fn app_name(&self) -> &'static str {
        app_name(self.settings.discreet)
    }

    /// Whether biometric unlock is offered on the lock screen.
    fn biometric_unlock(&self) -> bool {
        self.platform.biometrics == Biometrics::Available && self.platform.device_key_enrolled
    }

    /// What the shell shows now.
    pub fn view(&mut self, host: &dyn Host) -> AppView {
        let neutral = |screen: ScreenView, title: &str| (screen, title.to_string(), None);
        let (screen, title, refresh) = match &self.gate {
            Gate::FirstRun(f) => neutral(ScreenView::FirstRun { view: f.view(self.platform) }, "Welcome"),
            Gate::Locked { reason, problem } => neutral(
                ScreenView::Locked { view: gate::lock_view(*reason, problem.clone(), self.biometric_unlock()) },
                DISCREET_NAME,
            ),
            Gate::Neutral => neutral(ScreenView::Neutral { view: gate::neutral_view() }, "Notes"),
            Gate::Open => self.open_view(host),
        };
        let open = matches!(self.gate, Gate::Open);
        AppView {
            screen,
            title,
            app_name: self.app_name().to_string(),
            can_go_back: open && (self.stack.len() > 1 || self.top_has_inner_back()),
            notice: self.notice.clone(),
            crisis: if open { self.crisis.clone() } else { None },
            refresh_after_ms: refresh,
            quick_exit: open.then(|| QUICK_EXIT_LABEL.to_string()),
            secure: true,
        }
    }

    fn top_has_inner_back(&self) -> bool {
        match self.stack.last() {
            Some(Screen::Exercises(s)) => s.has_inner_back(),
            Some(Screen::Sharing(s)) => s.has_inner_back(),
            Some(Screen::Goals(s)) => s.has_inner_back(),
            Some(Screen::Backup(s)) => s.has_inner_back(),
            _ => false,
        }
    }

    fn open_view(&mut self, host: &dyn Host) -> (ScreenView, String, Option<u32>) {
        let Some(store) = host.store() else {
            // The store was locked behind the app's back (the bindings' own lock call).
            self.gate = Gate::Locked { reason: LockReason::ByPerson, problem: None };
            return (
                ScreenView::Locked { view: gate::lock_view(LockReason::ByPerson, None, self.biometric_unlock()) },
                DISCREET_NAME.into(),
                None,
            );
        };
        let platform = self.platform;
        let mut cx = Cx { store: &store, host, settings: &mut self.settings, platform };
        let Some(top) = self.stack.last_mut() else {
            return (ScreenView::Unavailable { text: "Nothing to show.".into() }, String::new(), None);
        };
        let built: Result<(ScreenView, &str, Option<u32>)> = match top {
            Screen::Home => home::view(&cx).map(|v| (ScreenView::Home { view: v }, "Today", None)),
            Screen::LogUrge(s) => s.view(&cx).map(|v| (ScreenView::LogUrge { view: v }, "Log an urge", None)),
            Screen::Surf(s) => s.view(&cx).map(|(v, r)| (ScreenView::Surf { view: v }, "Surf the urge", r)),
            Screen::Exercises(s) => s.view(&cx).map(|(v, r)| (ScreenView::Exercises { view: v }, "Exercises", r)),
            Screen::Plan(s) => s.view(&mut cx).map(|v| (ScreenView::Plan { view: v }, "My plan", None)),
            Screen::Slip(s) => s.view(&cx).map(|v| (ScreenView::Slip { view: v }, "A slip", None)),
            Screen::CheckIn(s) => s.view(&cx).map(|v| (ScreenView::CheckIn { view: v }, "Check in", None)),
            Screen::Goals(s) => s.view(&cx).map(|v| (ScreenView::Goals { view: v }, "Goals", None)),
            Screen::Insights(s) => s.view(&cx).map(|v| (ScreenView::Insights { view: v }, "Insights", None)),
            Screen::Sharing(s) => s.view(&cx).map(|v| (ScreenView::Sharing { view: v }, "Sharing", None)),
            Screen::Backup(s) => s.view(&cx).map(|v| (ScreenView::Backup { view: v }, "Backup", None)),
            Screen::Settings(s) => s.view(&cx).map(|v| (ScreenView::Settings { view: v }, "Settings", None)),
        };
        match built {
            Ok((screen, title, refresh)) => (screen, title.to_string(), refresh),
            Err(e) => (ScreenView::Unavailable { text: super::common::problem_words(&e) }, String::new(), None),
        }
    }

    /// Handle one event; return what the platform must do. Never fails: a failure becomes a
    /// notice on the screen, and nothing the person entered is lost.
    pub fn send(&mut self, host: &dyn Host, event: Event) -> Vec<Effect> {
        match event {
            Event::Started => self.started(),
            Event::WentToBackground => self.backgrounded(host),
            Event::CameToForeground => self.foregrounded(host),
            Event::LockTimerFired => self.lock_timer_fired(host),
            Event::LockNow => self.lock(host, LockReason::ByPerson),
            Event::QuickExit => self.quick_exit(host),
            Event::DismissNotice => {
                self.notice = None;
                Vec::new()
            }
            Event::Authenticated => self.authenticated(host),
            Event::AuthenticationFailed { cancelled } => self.authentication_failed(cancelled),
            Event::Gate { action } => self.gate_action(host, action),
            other => self.open_event(host, other),
        }
    }

    fn started(&mut self) -> Vec<Effect> {
        self.offer_biometric_unlock()
    }

    fn offer_biometric_unlock(&mut self) -> Vec<Effect> {
        if matches!(self.gate, Gate::Locked { .. }) && self.biometric_unlock() {
            self.pending_auth = Some(AuthPurpose::Unlock);
            vec![gate::authenticate(AuthPurpose::Unlock)]
        } else {
            Vec::new()
        }
    }

    fn now_ms(host: &dyn Host) -> i64 {
        host.clock().now().timestamp_millis()
    }

    fn backgrounded(&mut self, host: &dyn Host) -> Vec<Effect> {
        if !matches!(self.gate, Gate::Open) {
            return Vec::new();
        }
        match self.lock.backgrounded(Self::now_ms(host), self.settings.lock_after_secs) {
            OnBackground::LockNow => self.lock(host, LockReason::Background),
            OnBackground::LockAfter { ms } => vec![Effect::LockAfter { ms }],
        }
    }

    fn foregrounded(&mut self, host: &dyn Host) -> Vec<Effect> {
        if matches!(self.gate, Gate::Open) && self.lock.foregrounded(Self::now_ms(host), self.settings.lock_after_secs)
        {
            self.lock(host, LockReason::Background);
        }
        self.offer_biometric_unlock()
    }

    fn lock_timer_fired(&mut self, host: &dyn Host) -> Vec<Effect> {
        if matches!(self.gate, Gate::Open) && self.lock.due(Self::now_ms(host), self.settings.lock_after_secs) {
            self.lock(host, LockReason::Background);
        }
        Vec::new()
    }

    fn lock(&mut self, host: &dyn Host, reason: LockReason) -> Vec<Effect> {
        if let Gate::FirstRun(_) = self.gate {
            return Vec::new();
        }
        host.lock();
        self.lock.reset();
        self.notice = None;
        self.crisis = None;
        if reason == LockReason::QuickExit {
            self.gate = Gate::Neutral;
            // Nothing of what was on screen stays in memory.
            self.stack = vec![Screen::Home];
        } else if !matches!(self.gate, Gate::Neutral) {
            self.gate = Gate::Locked { reason, problem: None };
        }
        Vec::new()
    }

    fn quick_exit(&mut self, host: &dyn Host) -> Vec<Effect> {
        if let Gate::FirstRun(_) = self.gate {
            return vec![Effect::LeaveApp];
        }
        self.lock(host, LockReason::QuickExit);
        vec![Effect::LeaveApp]
    }

    fn authenticated(&mut self, host: &dyn Host) -> Vec<Effect> {
        match self.pending_auth.take() {
            Some(AuthPurpose::Unlock) if matches!(self.gate, Gate::Locked { .. }) => {
                let result = host.unlock(HostKey::DeviceKey);
                self.after_unlock(host, result)
            }
            Some(AuthPurpose::Enrol) => self.enrol(host),
            _ => Vec::new(),
        }
    }

    fn enrol(&mut self, host: &dyn Host) -> Vec<Effect> {
        match host.add_device_key() {
            Ok(()) => {
                self.platform.device_key_enrolled = true;
                self.notice = Some(Notice::saved("Fingerprint or face unlock is on."));
            }
            Err(e) => self.notice = Some(Notice::problem(&e)),
        }
        if let Gate::FirstRun(_) = self.gate {
            return self.open_after_first_run(host);
        }
        Vec::new()
    }

    fn authentication_failed(&mut self, cancelled: bool) -> Vec<Effect> {
        let purpose = self.pending_auth.take();
        if cancelled {
            return Vec::new();
        }
        let text = match purpose {
            Some(AuthPurpose::Enrol) => {
                "That didn't work, so unlock stays with your passphrase. You can try again in Settings."
            }
            _ => "That didn't work. You can use your passphrase instead.",
        };
        if let Gate::Locked { problem, .. } = &mut self.gate {
            *problem = Some(text.into());
        } else {
            self.notice = Some(Notice::info(text));
        }
        Vec::new()
    }

    fn gate_action(&mut self, host: &dyn Host, action: GateAction) -> Vec<Effect> {
        match (&mut self.gate, action) {
            (Gate::FirstRun(first), action) => match first.act(host, self.platform, action) {
                gate::FirstRunStep::Stay(effects) => {
                    if let Some(Effect::Authenticate { purpose, .. }) = effects.first() {
                        self.pending_auth = Some(*purpose);
                    }
                    effects
                }
                gate::FirstRunStep::Done => self.open_after_first_run(host),
            },
            (Gate::Locked { .. }, GateAction::UnlockWithPassphrase { passphrase }) => {
                let result = Passphrase::new(passphrase).and_then(|p| host.unlock(HostKey::Passphrase(p)));
                self.after_unlock(host, result)
            }
            (Gate::Locked { .. }, GateAction::UseBiometrics) => {
                if self.biometric_unlock() {
                    self.pending_auth = Some(AuthPurpose::Unlock);
                    vec![gate::authenticate(AuthPurpose::Unlock)]
                } else {
                    Vec::new()
                }
            }
            (Gate::Neutral, GateAction::Reopen) => {
                self.gate = Gate::Locked { reason: LockReason::QuickExit, problem: None };
                self.offer_biometric_unlock()
            }
            _ => Vec::new(),
        }
    }

    fn open_after_first_run(&mut self, host: &dyn Host) -> Vec<Effect> {
        self.gate = Gate::Open;
        self.stack = vec![Screen::Home];
        self.on_open(host)
    }

    fn after_unlock(&mut self, host: &dyn Host, result: Result<()>) -> Vec<Effect> {
        match result {
            Ok(()) => {
                self.gate = Gate::Open;
                self.on_open(host)
            }
            Err(e) => {
                if let Gate::Locked { problem, .. } = &mut self.gate {
                    *problem = Some(gate::unlock_problem(&e));
                }
                Vec::new()
            }
        }
    }

    /// Right after the journal opens: put the stored settings in force, bring the app's
    /// identity, reminders and an unfinished surf's notifications up to date, and sync what
    /// waits.
    fn on_open(&mut self, host: &dyn Host) -> Vec<Effect> {
        let Some(store) = host.store() else { return Vec::new() };
        let platform = self.platform;
        let mut cx = Cx { store: &store, host, settings: &mut self.settings, platform };
        let loaded = cx.load_settings();
        let mut effects = match cx.platform_effects() {
            Ok(effects) => effects,
            Err(e) => {
                self.notice = Some(Notice::problem(&e));
                vec![Effect::AppIdentity { discreet: self.settings.discreet, name: self.app_name().into() }]
            }
        };
        if loaded.is_err() {
            self.notice = Some(Notice::info(SETTINGS_UNREADABLE));
        }
        if super::sharing::has_active_shares(&store) {
            effects.push(Effect::SyncSoon);
        }
        effects
    }

    fn open_event(&mut self, host: &dyn Host, event: Event) -> Vec<Effect> {
        if !matches!(self.gate, Gate::Open) {
            return Vec::new();
        }
        let Some(store) = host.store() else {
            self.gate = Gate::Locked { reason: LockReason::ByPerson, problem: None };
            return Vec::new();
        };
        let platform = self.platform;
        let mut cx = Cx { store: &store, host, settings: &mut self.settings, platform };
        let reaction = match event {
            Event::Open { route } => Ok(open_route(&mut cx, route)),
            Event::CloseCrisis => {
                self.crisis = None;
                return Vec::new();
            }
            Event::Contact { contact_id, kind } => {
                super::plan::contact_effect(cx.store, &contact_id, kind).map(Reaction::effect)
            }
            Event::CallEmergency => Ok(Reaction::effect(super::crisis::call_emergency(&cx))),
            Event::Back => Ok(back(self.stack.last_mut())),
            other => dispatch(&mut cx, self.stack.last_mut(), other),
        };
        match reaction {
            Ok(r) => self.apply(r),
            Err(e) => {
                self.notice = Some(Notice::problem(&e));
                Vec::new()
            }
        }
    }

    fn apply(&mut self, r: Reaction) -> Vec<Effect> {
        if r.notice.is_some() {
            self.notice = r.notice;
        }
        if let Some(step) = &r.crisis {
            self.crisis = Some(super::crisis::crisis_view(step));
        }
        for e in &r.effects {
            match e {
                Effect::Authenticate { purpose, .. } => self.pending_auth = Some(*purpose),
                Effect::ForgetDeviceKey => self.platform.device_key_enrolled = false,
                _ => {}
            }
        }
        match r.nav {
            Nav::Stay => {}
            Nav::Push(s) => {
                if matches!(s, Screen::Home) {
                    self.stack.truncate(1);
                } else {
                    self.stack.push(s);
                }
            }
            Nav::Replace(s) => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                }
                self.stack.push(s);
            }
            Nav::Pop => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                }
            }
        }
        r.effects
    }
}

/// Go somewhere from a menu or a button. Opening a screen already on top refreshes it.
fn open_route(cx: &mut Cx<'_>, route: Route) -> Reaction {
    let screen = match route {
        Route::Home => Screen::Home,
        Route::LogUrge => Screen::LogUrge(LogUrge::default()),
        Route::HelpNow => Screen::Plan(PlanScreen::help_now()),
        Route::Surf => Screen::Surf(SurfScreen::open(cx)),
        Route::Exercises => Screen::Exercises(ExercisesScreen::default()),
        Route::Plan => Screen::Plan(PlanScreen::default()),
        Route::Slip => Screen::Slip(SlipScreen::new_slip()),
        Route::CheckIn => Screen::CheckIn(CheckInScreen::default()),
        Route::Goals => Screen::Goals(GoalsScreen::default()),
        Route::Insights => Screen::Insights(InsightsScreen::default()),
        Route::Sharing => Screen::Sharing(SharingScreen::default()),
        Route::Backup => Screen::Backup(BackupScreen::default()),
        Route::Settings => Screen::Settings(SettingsScreen),
    };
    Reaction::nav(Nav::Push(screen))
}

/// Back: a screen with steps of its own goes back a step first.
fn back(top: Option<&mut Screen>) -> Reaction {
    let handled = match top {
        Some(Screen::Exercises(s)) => s.back(),
        Some(Screen::Sharing(s)) => s.back(),
        Some(Screen::Goals(s)) => s.back(),
        Some(Screen::Backup(s)) => s.back(),
        _ => false,
    };
    if handled {
        Reaction::default()
    } else {
        Reaction::nav(Nav::Pop)
    }
}

/// Give a screen's action to the screen on top; an action meant for another screen (a tap
/// that arrived after the screen changed) does nothing.
fn dispatch(cx: &mut Cx<'_>, top: Option<&mut Screen>, event: Event) -> Result<Reaction> {
    match (top, event) {
        (Some(Screen::Home), Event::Home { action }) => home::act(cx, action),
        (Some(Screen::LogUrge(s)), Event::LogUrge { action }) => s.act(cx, action),
        (Some(Screen::Surf(s)), Event::Surf { action }) => s.act(cx, action),
        (Some(Screen::Exercises(s)), Event::Exercises { action }) => s.act(cx, action),
        (Some(Screen::Plan(s)), Event::Plan { action }) => s.act(cx, action),
        (Some(Screen::Slip(s)), Event::Slip { action }) => s.act(cx, action),
        (Some(Screen::CheckIn(s)), Event::CheckIn { action }) => s.act(cx, action),
        (Some(Screen::Goals(s)), Event::Goals { action }) => s.act(cx, action),
        (Some(Screen::Insights(s)), Event::Insights { action }) => s.act(cx, action),
        (Some(Screen::Sharing(s)), Event::Sharing { action }) => s.act(cx, action),
        (Some(Screen::Backup(s)), Event::Backup { action }) => s.act(cx, action),
        (Some(Screen::Settings(s)), Event::Settings { action }) => s.act(cx, action),
        _ => Ok(Reaction::default()),
    }
}

/// An error for an action that the screen's current step does not take.
pub(crate) fn not_now() -> Error {
    Error::State("that isn't possible on this step")
}
