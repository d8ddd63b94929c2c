#include "engine/bpmn_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ordo::engine {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(ORDO_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A definitions document around `body` (the content of one executable process "p").
std::string Process(const std::string& body, const std::string& extra_ns = "") {
  return R"(<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" )" +
         extra_ns + R"( id="d" targetNamespace="t">
  <process id="p" isExecutable="true">)" +
         body + "</process></definitions>";
}

constexpr const char* kStartToEnd = R"(
  <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
  <endEvent id="end"/>)";

// Start → `middle` (an element with id "x") → end.
std::string Around(const std::string& middle) {
  return Process(R"(<startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="x"/>)" +
                 middle + R"(<sequenceFlow id="f2" sourceRef="x" targetRef="end"/>
    <endEvent id="end"/>)");
}

void ExpectRefused(const std::string& xml, const std::string& message_part,
                   const ParseOptions& options = {}) {
  auto def = ParseBpmn(xml, options);
  ASSERT_FALSE(def.has_value()) << "accepted";
  EXPECT_EQ(def.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(def.error().detail.find(message_part), std::string::npos) << def.error().detail;
}

// ---- accepted files ----

TEST(BpmnParserTest, CamundaModelerApprovalFile) {
  auto def = ParseBpmn(ReadTestdata("approval.bpmn"));
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  const Definition& d = **def;
  EXPECT_EQ(d.key, "approval");
  EXPECT_EQ(d.name, "Invoice approval");
  EXPECT_EQ(d.start_event, "start");
  EXPECT_EQ(d.elements.size(), 7u);  // annotation ignored
  EXPECT_EQ(d.flows.size(), 6u);     // association ignored
  EXPECT_EQ(d.FindElement("start")->initiator_variable, "starter");
  const Element* review = d.FindElement("review");
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->type, ElementType::kUserTask);
  EXPECT_EQ(review->name, "Review invoice");
  EXPECT_EQ(review->priority, 70);
  EXPECT_EQ(review->candidate_groups->source(), "managers");
  EXPECT_EQ(review->candidate_users->source(), "carol");
  EXPECT_FALSE(review->assignee.has_value());
  EXPECT_EQ(d.FindElement("rework")->assignee->source(), "${initiator}");
  const Element* gw = d.FindElement("decision");
  EXPECT_EQ(gw->type, ElementType::kExclusiveGateway);
  EXPECT_EQ(gw->default_flow, "flow_rejected");
  EXPECT_EQ(gw->outgoing, (std::vector<std::string>{"flow_approved", "flow_rejected"}));
  EXPECT_EQ(d.FindFlow("flow_approved")->condition->source(), "${approved == true}");
  EXPECT_EQ(d.FindElement("notify")->type, ElementType::kExternalTask);
  EXPECT_EQ(d.FindElement("notify")->topic, "notify-customer");
}

TEST(BpmnParserTest, DefaultNamespaceWithoutPrefix) {
  auto def = ParseBpmn(ReadTestdata("parallel.bpmn"));
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->key, "parallel");
  EXPECT_EQ((*def)->FindElement("fork")->outgoing.size(), 3u);
  EXPECT_EQ((*def)->FindElement("join")->incoming.size(), 3u);
  EXPECT_EQ((*def)->FindElement("log")->type, ElementType::kTask);
  EXPECT_EQ((*def)->FindElement("log")->tag, "manualTask");
}

TEST(BpmnParserTest, ZeebeExtensions) {
  auto def = ParseBpmn(ReadTestdata("external.bpmn"));
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->FindElement("charge")->topic, "charge-card");
  EXPECT_EQ((*def)->FindElement("confirm")->assignee->source(), "=initiator");
  EXPECT_EQ((*def)->FindElement("confirm")->candidate_groups->source(), "finance");
}

TEST(BpmnParserTest, AnyPrefixForTheBpmnNamespace) {
  std::string xml = R"(<?xml version="1.0"?>
<bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn2:process id="p" isExecutable="true">
    <bpmn2:startEvent id="start"/>
    <bpmn2:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
    <bpmn2:endEvent id="end"/>
  </bpmn2:process>
</bpmn2:definitions>)";
  auto def = ParseBpmn(xml);
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->elements.size(), 2u);
}

TEST(BpmnParserTest, NonExecutableProcessesAreIgnored) {
  std::string xml = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
    <collaboration id="c"><participant id="pa" processRef="p"/></collaboration>
    <process id="other" isExecutable="false"><task id="t"/></process>
    <process id="p" isExecutable="true">)" +
                    std::string(kStartToEnd) + "</process></definitions>";
  auto def = ParseBpmn(xml);
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->key, "p");
}

TEST(BpmnParserTest, TerminateEndEvent) {
  auto def = ParseBpmn(ReadTestdata("terminate.bpmn"));
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->FindElement("stop")->type, ElementType::kTerminateEndEvent);
}

TEST(BpmnParserTest, NoneIntermediateEventPassesThrough) {
  auto def = ParseBpmn(Around(R"(<intermediateThrowEvent id="x" name="Milestone"/>)"));
  ASSERT_TRUE(def.has_value()) << def.error().detail;
  EXPECT_EQ((*def)->FindElement("x")->type, ElementType::kTask);
  EXPECT_EQ((*def)->FindElement("x")->tag, "intermediateThrowEvent");
}

TEST(BpmnParserRefusalTest, MessageThrowEvent) {
  ExpectRefused(Around(R"(<intermediateThrowEvent id="x"><messageEventDefinition/>
      </intermediateThrowEvent>)"),
                "element 'x' (intermediateThrowEvent): event definitions are not supported here");
}

// ---- refusals, one per reason ----

TEST(BpmnParserRefusalTest, NotWellFormed) {
  ExpectRefused("<definitions><process>", "not well-formed XML");
}

TEST(BpmnParserRefusalTest, ExternalEntityFileNeverLeaks) {
  auto def = ParseBpmn(ReadTestdata("xxe.bpmn"));
  ASSERT_FALSE(def.has_value());
  EXPECT_EQ(def.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(def.error().detail, "DOCTYPE declarations are not allowed in BPMN files");
}

TEST(BpmnParserRefusalTest, InternalEntityDoctype) {
  ExpectRefused(
      R"(<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>)" + Process(kStartToEnd),
      "DOCTYPE declarations are not allowed");
}

TEST(BpmnParserRefusalTest, RootIsNotDefinitions) {
  ExpectRefused(R"(<process xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p"/>)",
                "root element is not a BPMN 2.0 <definitions>");
}

TEST(BpmnParserRefusalTest, WrongNamespace) {
  ExpectRefused(
      R"(<definitions xmlns="http://example.com/not-bpmn"><process id="p"/></definitions>)",
      "root element is not a BPMN 2.0 <definitions>");
}

TEST(BpmnParserRefusalTest, NoExecutableProcess) {
  ExpectRefused(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
      <process id="p" isExecutable="false"/></definitions>)",
                "no executable process");
}

TEST(BpmnParserRefusalTest, SeveralExecutableProcesses) {
  ExpectRefused(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
      <process id="a" isExecutable="true"/><process id="b" isExecutable="true"/></definitions>)",
                "2 executable processes ('a', 'b'");
}

TEST(BpmnParserRefusalTest, FileOverSizeLimit) {
  ParseOptions options;
  options.max_bytes = 100;
  ExpectRefused(Process(kStartToEnd), "larger than the limit of 100 bytes", options);
}

TEST(BpmnParserRefusalTest, TooManyElements) {
  ParseOptions options;
  options.max_elements = 2;
  ExpectRefused(Process(kStartToEnd), "more than 2 elements", options);
}

TEST(BpmnParserRefusalTest, ProcessWithoutId) {
  ExpectRefused(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
      <process isExecutable="true"/></definitions>)",
                "has no id");
}

TEST(BpmnParserRefusalTest, ElementWithoutId) {
  ExpectRefused(Process(std::string(kStartToEnd) + "<task/>"), "a <task> has no id");
}

TEST(BpmnParserRefusalTest, DuplicateId) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<task id="end"/>)"), "duplicate id 'end'");
}

TEST(BpmnParserRefusalTest, FlowToMissingElement) {
  ExpectRefused(Process(std::string(kStartToEnd) +
                        R"(<sequenceFlow id="f9" sourceRef="start" targetRef="ghost"/>)"),
                "sequence flow 'f9' points to missing element 'ghost'");
}

TEST(BpmnParserRefusalTest, FlowWithoutSource) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<sequenceFlow id="f9" targetRef="end"/>)"),
                "sequence flow 'f9' has no sourceRef");
}

TEST(BpmnParserRefusalTest, NoStartEvent) {
  ExpectRefused(Process(R"(<endEvent id="end"/>)"), "process 'p' has no none start event");
}

TEST(BpmnParserRefusalTest, SeveralStartEvents) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<startEvent id="start2"/>)"),
                "several none start events ('start', 'start2')");
}

TEST(BpmnParserRefusalTest, TimerStartEvent) {
  ExpectRefused(Process(R"(<startEvent id="s"><timerEventDefinition/></startEvent>)"),
                "element 's' (startEvent): only none start events are supported "
                "(found timerEventDefinition)");
}

TEST(BpmnParserRefusalTest, ErrorEndEvent) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="e"/>
      <endEvent id="e"><errorEventDefinition/></endEvent>)"),
                "element 'e' (endEvent): only none and terminate end events");
}

TEST(BpmnParserRefusalTest, ScriptTask) {
  ExpectRefused(Around(R"(<scriptTask id="x" scriptFormat="groovy"/>)"),
                "element 'x' (scriptTask): this element type is not supported");
}

TEST(BpmnParserRefusalTest, SubProcess) {
  ExpectRefused(Around(R"(<subProcess id="x"/>)"), "element 'x' (subProcess)");
}

TEST(BpmnParserRefusalTest, InclusiveGateway) {
  ExpectRefused(Around(R"(<inclusiveGateway id="x"/>)"), "element 'x' (inclusiveGateway)");
}

TEST(BpmnParserRefusalTest, EventBasedGateway) {
  ExpectRefused(Around(R"(<eventBasedGateway id="x"/>)"), "element 'x' (eventBasedGateway)");
}

TEST(BpmnParserRefusalTest, IntermediateCatchEvent) {
  ExpectRefused(Around(R"(<intermediateCatchEvent id="x"><timerEventDefinition/>
      </intermediateCatchEvent>)"),
                "element 'x' (intermediateCatchEvent)");
}

TEST(BpmnParserRefusalTest, BoundaryEvent) {
  ExpectRefused(Around(R"(<userTask id="x"/><boundaryEvent id="b" attachedToRef="x">
      <timerEventDefinition/></boundaryEvent>)"),
                "element 'b' (boundaryEvent)");
}

TEST(BpmnParserRefusalTest, CallActivity) {
  ExpectRefused(Around(R"(<callActivity id="x" calledElement="other"/>)"),
                "element 'x' (callActivity)");
}

TEST(BpmnParserRefusalTest, ReceiveTask) {
  ExpectRefused(Around(R"(<receiveTask id="x"/>)"), "element 'x' (receiveTask)");
}

TEST(BpmnParserRefusalTest, ServiceTaskWithJavaClass) {
  ExpectRefused(Around(R"(<serviceTask id="x" camunda:class="com.example.Charge"/>)"),
                "element 'x' (serviceTask): camunda:class (Java code) is not supported");
}

TEST(BpmnParserRefusalTest, ServiceTaskWithoutTopic) {
  ExpectRefused(Around(R"(<serviceTask id="x"/>)"),
                "element 'x' (serviceTask): only external tasks are supported");
}

TEST(BpmnParserRefusalTest, ServiceTaskWithConnector) {
  ExpectRefused(Around(R"(<serviceTask id="x" camunda:type="connector"/>)"),
                "camunda:type=\"connector\" is not supported");
}

TEST(BpmnParserRefusalTest, DynamicZeebeTaskType) {
  ExpectRefused(Around(R"(<serviceTask id="x"><extensionElements>
      <zeebe:taskDefinition type="=kind"/></extensionElements></serviceTask>)"),
                "element 'x' (serviceTask): dynamic task types");
}

TEST(BpmnParserRefusalTest, MultiInstanceTask) {
  ExpectRefused(Around(R"(<userTask id="x"><multiInstanceLoopCharacteristics/></userTask>)"),
                "element 'x' (userTask): loops and multi-instance are not supported");
}

TEST(BpmnParserRefusalTest, ResourceAssignment) {
  ExpectRefused(Around(R"(<userTask id="x"><potentialOwner/></userTask>)"),
                "element 'x' (userTask): resource assignments are not supported");
}

TEST(BpmnParserRefusalTest, TaskListenerExtension) {
  ExpectRefused(Around(R"(<userTask id="x"><extensionElements>
      <camunda:taskListener class="a.B" event="create"/></extensionElements></userTask>)"),
                "element 'x' (userTask): extension <taskListener> is not supported");
}

TEST(BpmnParserRefusalTest, ZeebeIoMapping) {
  ExpectRefused(Around(R"(<serviceTask id="x"><extensionElements>
      <zeebe:taskDefinition type="t"/><zeebe:ioMapping/></extensionElements></serviceTask>)"),
                "element 'x' (serviceTask): extension <ioMapping> is not supported");
}

TEST(BpmnParserRefusalTest, UnparsablePriority) {
  ExpectRefused(Around(R"(<userTask id="x" camunda:priority="high"/>)"),
                "element 'x' (userTask): camunda:priority must be an integer");
}

TEST(BpmnParserRefusalTest, AssigneeSyntaxError) {
  ExpectRefused(Around(R"(<userTask id="x" camunda:assignee="${a +}"/>)"),
                "element 'x' assignee: syntax error");
}

TEST(BpmnParserRefusalTest, ConditionSyntaxError) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end">
        <conditionExpression>${amount &gt;&gt; 5}</conditionExpression></sequenceFlow>
      <endEvent id="end"/>)"),
                "sequence flow 'f2': syntax error");
}

TEST(BpmnParserRefusalTest, ConditionInOtherLanguage) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end">
        <conditionExpression language="javascript">a &gt; 1</conditionExpression></sequenceFlow>
      <endEvent id="end"/>)"),
                "sequence flow 'f2': condition language 'javascript' is not supported");
}

TEST(BpmnParserRefusalTest, EmptyCondition) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end">
        <conditionExpression> </conditionExpression></sequenceFlow>
      <endEvent id="end"/>)"),
                "sequence flow 'f2': empty condition");
}

TEST(BpmnParserRefusalTest, ExclusiveGatewayFlowWithoutCondition) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end">
        <conditionExpression>${ok}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f3" sourceRef="g" targetRef="end"/>
      <endEvent id="end"/>)"),
                "element 'g' (exclusiveGateway): outgoing flow 'f3' needs a condition");
}

TEST(BpmnParserRefusalTest, DefaultFlowNotLeavingTheGateway) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g" default="f1"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end"/>
      <endEvent id="end"/>)"),
                "element 'g' (exclusiveGateway): default flow 'f1' is not an outgoing flow");
}

TEST(BpmnParserRefusalTest, DefaultFlowWithCondition) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/>
      <exclusiveGateway id="g" default="f2"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end">
        <conditionExpression>${ok}</conditionExpression></sequenceFlow>
      <endEvent id="end"/>)"),
                "element 'g' (exclusiveGateway): default flow 'f2' must not have a condition");
}

TEST(BpmnParserRefusalTest, GatewayWithoutOutgoingFlow) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="g"/><parallelGateway id="g"/>)"),
                "element 'g' (parallelGateway): a gateway needs at least one outgoing flow");
}

TEST(BpmnParserRefusalTest, GatewayWithoutIncomingFlow) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<exclusiveGateway id="g"/>
      <sequenceFlow id="f2" sourceRef="g" targetRef="end"/>)"),
                "element 'g' (exclusiveGateway): a gateway needs at least one incoming flow");
}

TEST(BpmnParserRefusalTest, ParallelGatewayWithDefault) {
  ExpectRefused(Around(R"(<parallelGateway id="x" default="f2"/>)"),
                "element 'x' (parallelGateway): a parallel gateway has no default flow");
}

TEST(BpmnParserRefusalTest, ConditionOnFlowLeavingATask) {
  ExpectRefused(Process(R"(<startEvent id="start"/>
      <sequenceFlow id="f1" sourceRef="start" targetRef="t"/><task id="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="end">
        <conditionExpression>${ok}</conditionExpression></sequenceFlow>
      <endEvent id="end"/>)"),
                "sequence flow 'f2': conditions are only supported on flows leaving an "
                "exclusive gateway");
}

TEST(BpmnParserRefusalTest, StartEventWithIncomingFlow) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<task id="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="start"/>)"),
                "element 'start' (startEvent): a start event cannot have incoming flows");
}

TEST(BpmnParserRefusalTest, EndEventWithOutgoingFlow) {
  ExpectRefused(Process(std::string(kStartToEnd) + R"(<task id="t"/>
      <sequenceFlow id="f2" sourceRef="end" targetRef="t"/>)"),
                "element 'end' (endEvent): an end event cannot have outgoing flows");
}

}  // namespace
}  // namespace ordo::engine
