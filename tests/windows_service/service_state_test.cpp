// The Windows service state machine: which SERVICE_STATUS to report and which daemon request to
// make, event by event. Runs on every platform (no <windows.h>).
#include "windows-service/service_state.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace dunghan::windows_service {
namespace {

using service::Lifecycle;
using std::chrono::milliseconds;

constexpr std::uint32_t kAllRunningControls = kAcceptStop | kAcceptShutdown | kAcceptParamChange;
constexpr auto kStop = static_cast<std::uint32_t>(ServiceControl::stop);
constexpr auto kShutdown = static_cast<std::uint32_t>(ServiceControl::shutdown);
constexpr auto kParamChange = static_cast<std::uint32_t>(ServiceControl::paramchange);
constexpr auto kInterrogate = static_cast<std::uint32_t>(ServiceControl::interrogate);

ServiceTimings test_timings() {
  ServiceTimings t;
  t.start_wait_hint = milliseconds(11'000);
  t.stop_wait_hint = milliseconds(7'000);
  t.tick_interval = milliseconds(1'000);
  t.start_budget = milliseconds(5'000);
  t.stop_budget = milliseconds(3'000);
  return t;
}

/// A machine that has reported RUNNING.
ServiceStateMachine running_machine() {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  m.on_lifecycle(Lifecycle::starting);
  m.on_lifecycle(Lifecycle::running);
  return m;
}

TEST(ServiceState, StatusBeforeStartIsStoppedWithoutCheckpoint) {
  ServiceStateMachine m(test_timings());
  EXPECT_EQ(m.status().state, ServiceState::stopped);
  EXPECT_EQ(m.status().checkpoint, 0U);
  EXPECT_EQ(m.status().controls_accepted, 0U);
}

TEST(ServiceState, StartRequestedReportsStartPendingWithFirstCheckpointAndStartWaitHint) {
  ServiceStateMachine m(test_timings());
  const Decision d = m.start_requested();
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::start_pending);
  EXPECT_EQ(d.report->checkpoint, 1U);
  EXPECT_EQ(d.report->wait_hint, test_timings().start_wait_hint);
  EXPECT_EQ(d.report->controls_accepted, 0U);
  EXPECT_EQ(d.report->win32_exit_code, kNoError);
  EXPECT_EQ(d.action, DaemonAction::none);
}

TEST(ServiceState, SecondStartRequestReportsNothing) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  EXPECT_FALSE(m.start_requested().report.has_value());
  EXPECT_EQ(m.status().checkpoint, 1U);
}

TEST(ServiceState, LifecycleBeforeStartRequestedReportsNothing) {
  ServiceStateMachine m(test_timings());
  EXPECT_FALSE(m.on_lifecycle(Lifecycle::starting).report.has_value());
  EXPECT_FALSE(m.on_lifecycle(Lifecycle::running).report.has_value());
  EXPECT_EQ(m.status().state, ServiceState::stopped);
}

TEST(ServiceState, StartingLifecycleAdvancesTheCheckpoint) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  const Decision d = m.on_lifecycle(Lifecycle::starting);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::start_pending);
  EXPECT_EQ(d.report->checkpoint, 2U);
}

TEST(ServiceState, StaysStartPendingUntilTheDaemonReportsRunning) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  m.on_lifecycle(Lifecycle::starting);
  m.on_tick();
  m.on_tick();
  EXPECT_EQ(m.status().state, ServiceState::start_pending);
  EXPECT_EQ(m.status().controls_accepted, 0U);
}

TEST(ServiceState, RunningLifecycleReportsRunningAcceptingStopShutdownParamChange) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  const Decision d = m.on_lifecycle(Lifecycle::running);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::running);
  EXPECT_EQ(d.report->controls_accepted, kAllRunningControls);
  EXPECT_EQ(d.report->checkpoint, 0U);
  EXPECT_EQ(d.report->wait_hint, milliseconds(0));
  EXPECT_EQ(d.action, DaemonAction::none);
}

TEST(ServiceState, StopWhileRunningRequestsStopAndReportsStopPending) {
  ServiceStateMachine m = running_machine();
  const Decision d = m.on_control(kStop);
  EXPECT_TRUE(d.handled);
  EXPECT_EQ(d.action, DaemonAction::request_stop);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stop_pending);
  EXPECT_EQ(d.report->checkpoint, 1U);
  EXPECT_EQ(d.report->wait_hint, test_timings().stop_wait_hint);
  EXPECT_EQ(d.report->controls_accepted, 0U);
}

TEST(ServiceState, ShutdownWhileRunningRequestsStopLikeStop) {
  ServiceStateMachine a = running_machine();
  ServiceStateMachine b = running_machine();
  const Decision stop = a.on_control(kStop);
  const Decision shutdown = b.on_control(kShutdown);
  EXPECT_EQ(shutdown.action, DaemonAction::request_stop);
  EXPECT_EQ(shutdown.report, stop.report);
}

TEST(ServiceState, SecondStopWhileStopPendingIsHandledWithoutAnotherRequest) {
  ServiceStateMachine m = running_machine();
  m.on_control(kStop);
  const Decision d = m.on_control(kStop);
  EXPECT_TRUE(d.handled);
  EXPECT_EQ(d.action, DaemonAction::none);
  EXPECT_FALSE(d.report.has_value());
  EXPECT_EQ(m.status().checkpoint, 1U);
}

TEST(ServiceState, StopDuringStartPendingRequestsStop) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  const Decision d = m.on_control(kStop);
  EXPECT_EQ(d.action, DaemonAction::request_stop);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stop_pending);
}

TEST(ServiceState, RunningAfterAStopBeganIsIgnored) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  m.on_control(kStop);
  EXPECT_FALSE(m.on_lifecycle(Lifecycle::running).report.has_value());
  EXPECT_EQ(m.status().state, ServiceState::stop_pending);
}

TEST(ServiceState, StoppingAndStoppedLifecycleAdvanceTheStopCheckpoint) {
  ServiceStateMachine m = running_machine();
  m.on_control(kStop);
  const Decision stopping = m.on_lifecycle(Lifecycle::stopping);
  ASSERT_TRUE(stopping.report.has_value());
  EXPECT_EQ(stopping.report->state, ServiceState::stop_pending);
  EXPECT_EQ(stopping.report->checkpoint, 2U);
  const Decision stopped = m.on_lifecycle(Lifecycle::stopped);
  ASSERT_TRUE(stopped.report.has_value());
  EXPECT_EQ(stopped.report->state, ServiceState::stop_pending);
  EXPECT_EQ(stopped.report->checkpoint, 3U);
}

TEST(ServiceState, DaemonStoppingOnItsOwnReportsStopPendingWithoutARequest) {
  ServiceStateMachine m = running_machine();
  const Decision d = m.on_lifecycle(Lifecycle::stopping);
  EXPECT_EQ(d.action, DaemonAction::none);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stop_pending);
  EXPECT_EQ(d.report->checkpoint, 1U);
  EXPECT_EQ(d.report->controls_accepted, 0U);
}

TEST(ServiceState, ParamChangeWhileRunningRequestsReloadAndKeepsTheStatus) {
  ServiceStateMachine m = running_machine();
  const ServiceStatus before = m.status();
  const Decision d = m.on_control(kParamChange);
  EXPECT_TRUE(d.handled);
  EXPECT_EQ(d.action, DaemonAction::request_reload);
  EXPECT_FALSE(d.report.has_value());
  EXPECT_EQ(m.status(), before);
}

TEST(ServiceState, ParamChangeWhileStartPendingIsIgnored) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  const Decision d = m.on_control(kParamChange);
  EXPECT_TRUE(d.handled);
  EXPECT_EQ(d.action, DaemonAction::none);
}

TEST(ServiceState, ParamChangeWhileStopPendingIsIgnored) {
  ServiceStateMachine m = running_machine();
  m.on_control(kStop);
  EXPECT_EQ(m.on_control(kParamChange).action, DaemonAction::none);
}

TEST(ServiceState, ReloadingLifecycleKeepsRunningAndReportsNothing) {
  ServiceStateMachine m = running_machine();
  const Decision reloading = m.on_lifecycle(Lifecycle::reloading);
  EXPECT_FALSE(reloading.report.has_value());
  EXPECT_EQ(m.status().state, ServiceState::running);
  const Decision back = m.on_lifecycle(Lifecycle::running);
  EXPECT_FALSE(back.report.has_value());
  EXPECT_EQ(m.status().controls_accepted, kAllRunningControls);
}

TEST(ServiceState, InterrogateReportsTheCurrentStatusUnchanged) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  m.on_lifecycle(Lifecycle::starting);
  const ServiceStatus before = m.status();
  const Decision d = m.on_control(kInterrogate);
  EXPECT_TRUE(d.handled);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(*d.report, before);
  EXPECT_EQ(m.status(), before);
}

TEST(ServiceState, PauseContinueAndUnknownControlsAreNotHandled) {
  ServiceStateMachine m = running_machine();
  for (std::uint32_t control : {2U, 3U, 0x10U, 0x20U, 200U}) {
    const Decision d = m.on_control(control);
    EXPECT_FALSE(d.handled) << control;
    EXPECT_EQ(d.action, DaemonAction::none) << control;
    EXPECT_FALSE(d.report.has_value()) << control;
  }
  EXPECT_EQ(m.status().state, ServiceState::running);
}

TEST(ServiceState, TickWhilePendingAdvancesTheCheckpoint) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  const Decision d = m.on_tick();
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::start_pending);
  EXPECT_EQ(d.report->checkpoint, 2U);
  EXPECT_EQ(d.report->wait_hint, test_timings().start_wait_hint);
}

TEST(ServiceState, TickWhileRunningReportsNothing) {
  ServiceStateMachine m = running_machine();
  EXPECT_FALSE(m.on_tick().report.has_value());
}

TEST(ServiceState, TicksStopAdvancingOnceTheStartBudgetIsSpent) {
  const ServiceTimings t = test_timings();
  const auto allowed = t.start_budget / t.tick_interval;  // 5
  ServiceStateMachine m(t);
  m.start_requested();
  for (auto i = 0; i < allowed; ++i) ASSERT_TRUE(m.on_tick().report.has_value()) << i;
  EXPECT_FALSE(m.on_tick().report.has_value());
  EXPECT_EQ(m.status().checkpoint, 1U + static_cast<std::uint32_t>(allowed));
}

TEST(ServiceState, LifecycleProgressStillReportsAfterTheTickBudgetIsSpent) {
  const ServiceTimings t = test_timings();
  ServiceStateMachine m(t);
  m.start_requested();
  while (m.on_tick().report) {
  }
  const std::uint32_t before = m.status().checkpoint;
  const Decision d = m.on_lifecycle(Lifecycle::starting);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->checkpoint, before + 1);
}

TEST(ServiceState, TheStopPhaseHasItsOwnTickBudget) {
  const ServiceTimings t = test_timings();
  const auto allowed = t.stop_budget / t.tick_interval;  // 3
  ServiceStateMachine m(t);
  m.start_requested();
  while (m.on_tick().report) {
  }
  m.on_control(kStop);
  for (auto i = 0; i < allowed; ++i) ASSERT_TRUE(m.on_tick().report.has_value()) << i;
  EXPECT_FALSE(m.on_tick().report.has_value());
  EXPECT_EQ(m.status().state, ServiceState::stop_pending);
}

TEST(ServiceState, CheckpointsIncreaseByOneAcrossMixedPendingEvents) {
  ServiceStateMachine m(test_timings());
  std::uint32_t last = m.start_requested().report->checkpoint;
  const Decision steps[] = {m.on_tick(), m.on_lifecycle(Lifecycle::starting), m.on_tick(),
                            m.on_control(kInterrogate)};
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(steps[i].report.has_value()) << i;
    EXPECT_EQ(steps[i].report->checkpoint, last + 1) << i;
    last = steps[i].report->checkpoint;
  }
  EXPECT_EQ(steps[3].report->checkpoint, last);  // interrogate does not advance
}

TEST(ServiceState, ExitZeroReportsStoppedWithNoError) {
  ServiceStateMachine m = running_machine();
  m.on_control(kStop);
  const Decision d = m.on_exit(0);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stopped);
  EXPECT_EQ(d.report->win32_exit_code, kNoError);
  EXPECT_EQ(d.report->service_exit_code, 0U);
  EXPECT_EQ(d.report->checkpoint, 0U);
  EXPECT_EQ(d.report->wait_hint, milliseconds(0));
  EXPECT_EQ(d.report->controls_accepted, 0U);
}

TEST(ServiceState, NonZeroExitReportsAServiceSpecificError) {
  ServiceStateMachine m = running_machine();
  const Decision d = m.on_exit(3);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stopped);
  EXPECT_EQ(d.report->win32_exit_code, kErrorServiceSpecificError);
  EXPECT_EQ(d.report->service_exit_code, 3U);
}

TEST(ServiceState, StartUpFailureGoesFromStartPendingToStoppedWithTheExitCode) {
  ServiceStateMachine m(test_timings());
  m.start_requested();
  m.on_lifecycle(Lifecycle::starting);
  const Decision d = m.on_exit(1);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->state, ServiceState::stopped);
  EXPECT_EQ(d.report->win32_exit_code, kErrorServiceSpecificError);
  EXPECT_EQ(d.report->service_exit_code, 1U);
}

TEST(ServiceState, NegativeExitCodeIsReportedAsOne) {
  ServiceStateMachine m = running_machine();
  const Decision d = m.on_exit(-5);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_EQ(d.report->win32_exit_code, kErrorServiceSpecificError);
  EXPECT_EQ(d.report->service_exit_code, 1U);
}

TEST(ServiceState, NothingIsReportedOrRequestedAfterStopped) {
  ServiceStateMachine m = running_machine();
  m.on_exit(0);
  const ServiceStatus final_status = m.status();
  const Decision events[] = {m.start_requested(),
                             m.on_lifecycle(Lifecycle::starting),
                             m.on_lifecycle(Lifecycle::running),
                             m.on_lifecycle(Lifecycle::stopping),
                             m.on_control(kStop),
                             m.on_control(kShutdown),
                             m.on_control(kParamChange),
                             m.on_tick(),
                             m.on_exit(1)};
  for (const Decision& d : events) {
    EXPECT_FALSE(d.report.has_value());
    EXPECT_EQ(d.action, DaemonAction::none);
  }
  EXPECT_EQ(m.status(), final_status);
}

TEST(ServiceState, DefaultWaitHintsLeaveRoomForSeveralMissedTicks) {
  const ServiceTimings t;
  EXPECT_GE(t.start_wait_hint, 3 * t.tick_interval);
  EXPECT_GE(t.stop_wait_hint, 3 * t.tick_interval);
  EXPECT_GT(t.start_budget, t.start_wait_hint);
  EXPECT_GT(t.stop_budget, t.stop_wait_hint);
}

TEST(ServiceState, AFullServiceRunReportsTheExpectedSequenceOfStates) {
  ServiceStateMachine m(test_timings());
  std::vector<ServiceState> seen;
  auto note = [&seen](const Decision& d) {
    if (d.report) seen.push_back(d.report->state);
  };
  note(m.start_requested());
  note(m.on_lifecycle(Lifecycle::starting));
  note(m.on_tick());
  note(m.on_lifecycle(Lifecycle::running));
  note(m.on_control(kParamChange));
  note(m.on_lifecycle(Lifecycle::reloading));
  note(m.on_lifecycle(Lifecycle::running));
  note(m.on_control(kShutdown));
  note(m.on_lifecycle(Lifecycle::stopping));
  note(m.on_tick());
  note(m.on_lifecycle(Lifecycle::stopped));
  note(m.on_exit(0));
  const std::vector<ServiceState> expected = {
      ServiceState::start_pending, ServiceState::start_pending, ServiceState::start_pending,
      ServiceState::running,       ServiceState::stop_pending,  ServiceState::stop_pending,
      ServiceState::stop_pending,  ServiceState::stop_pending,  ServiceState::stopped};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace dunghan::windows_service
